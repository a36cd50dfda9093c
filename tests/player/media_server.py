"""A real HTTP server over a folder of packaged media, with faults to switch on per server.

Each test gets real sockets and real HTTP, so the fetcher's timeouts, failover and body checks run
exactly as against a CDN edge; the faults are the ways edges misbehave in the field.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

FAULTS = ("hang", "error", "garbage", "truncate", "slow")


class MediaServer:
    """Serves ``root`` on loopback; ``fault`` (None or one of FAULTS) applies to paths matching ``only``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.fault: str | None = None
        self.only: str = ""  # fault only paths containing this (e.g. "seg_00003")
        self.slow_bytes_per_s = 50_000
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.handle(self)

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> MediaServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(request.path).path).lstrip("/")
        self.requests.append(path)
        target = (self.root / path).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            self._send(request, 404, b"not found")
            return
        body = target.read_bytes()
        start, end = _range(request.headers.get("range"), len(body))
        status = 206 if (start, end) != (0, len(body)) else 200
        fault = self.fault if self.only in path else None
        if fault == "hang":
            time.sleep(30)
            return
        if fault == "error":
            self._send(request, 503, b"overloaded")
            return
        if fault == "garbage":
            body = bytes((i * 37) % 256 for i in range(len(body)))
        request.send_response(status)
        request.send_header("content-length", str(end - start))
        if status == 206:
            request.send_header("content-range", f"bytes {start}-{end - 1}/{len(body)}")
        request.end_headers()
        chunk = body[start:end]
        if fault == "truncate":
            request.wfile.write(chunk[: len(chunk) // 2])
            request.close_connection = True
            return
        if fault == "slow":
            for offset in range(0, len(chunk), 4096):
                request.wfile.write(chunk[offset : offset + 4096])
                time.sleep(4096 / self.slow_bytes_per_s)
            return
        request.wfile.write(chunk)

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        request.send_response(status)
        request.send_header("content-length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-response is what the fault tests provoke; no traceback for it."""


def _range(header: str | None, size: int) -> tuple[int, int]:
    if not header or not header.startswith("bytes="):
        return 0, size
    first, _, last = header[6:].partition("-")
    return int(first), min(int(last) + 1, size) if last else size


@contextmanager
def media_servers(root: Path, count: int = 1) -> Iterator[list[MediaServer]]:
    servers = [MediaServer(root).start() for _ in range(count)]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()
