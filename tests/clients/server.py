"""Loopback HTTP servers for the client tests: a static origin, and the web players' page with a proxy.

Browsers enforce the same-origin policy on MSE players' requests and Marquee's media servers send no
CORS headers (no product serves a web page), so the harness page and the media must share an origin:
the harness server serves the page and node_modules from ``web/`` and forwards ``/proxy/<host:port>/…``
to a loopback upstream (http.server over a package, or a real backend or CDN edge), passing status,
headers that matter to players, and bodies through unchanged.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx

WEB = Path(__file__).resolve().parent / "web"
PROXY_PREFIX = "/proxy/"
LOOPBACK = ("127.0.0.1", "localhost")
_FORWARDED_REQUEST = ("range",)
_FORWARDED_RESPONSE = ("content-type", "content-range", "accept-ranges", "cache-control")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _HarnessHandler(_QuietHandler):
    """Files from ``web/``; ``/proxy/<host:port>/<path>`` forwarded to that loopback server."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if not self.path.startswith(PROXY_PREFIX):
            super().do_GET()
            return
        host_port, _, rest = self.path.removeprefix(PROXY_PREFIX).partition("/")
        if host_port.rpartition(":")[0] not in LOOPBACK:
            self.send_error(403, "only loopback upstreams")
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() in _FORWARDED_REQUEST}
        try:
            upstream = httpx.get(f"http://{host_port}/{rest}", headers=headers, timeout=30)
        except httpx.TransportError as error:
            self.send_error(502, str(error))
            return
        self.send_response(upstream.status_code)
        for name in _FORWARDED_RESPONSE:
            if name in upstream.headers:
                self.send_header(name, upstream.headers[name])
        self.send_header("Content-Length", str(len(upstream.content)))
        self.end_headers()
        self.wfile.write(upstream.content)


@contextmanager
def _serving(handler: functools.partial) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """``directory`` served by http.server on loopback, like a minimal origin; yields its base URL."""
    with _serving(functools.partial(_QuietHandler, directory=str(directory))) as url:
        yield url


class Harness:
    """The running harness server: where the page is, and the same-origin URL of an upstream URL."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.page = f"{base}/player.html"

    def proxied(self, url: str) -> str:
        parts = urlsplit(url)
        assert parts.scheme == "http" and parts.hostname in LOOPBACK, url
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.base}{PROXY_PREFIX}{parts.netloc}{parts.path}{query}"


@contextmanager
def serve_harness() -> Iterator[Harness]:
    with _serving(functools.partial(_HarnessHandler, directory=str(WEB))) as url:
        yield Harness(url)
