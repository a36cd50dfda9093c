"""The HTTP server every tier runs: media GET/HEAD, health, metrics, holdings and the admin API.

Origin, hub and edge differ only in their :class:`~.source.Source` (a media root or a disk cache
filled from a parent tier), so signing, ranges, shaping, chaos and metrics are written once.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import orjson

from . import signing
from .chaos import Chaos
from .metrics import Metrics, Outcome
from .paths import BadPath, is_valid_prefix
from .ranges import ByteRange, Unsatisfiable, parse_range
from .request import MediaRequest, parse_media_request
from .responses import (
    Receive,
    Send,
    etag_for,
    etag_matches,
    object_headers,
    read_body,
    send_error,
    send_head,
    send_json,
)
from .shaping import Pacer, SessionShaper, Trace, UnknownProfile
from .source import Found, Relay, Source
from .upstream import UpstreamError

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024
PACED_CHUNK = 16 * 1024


@dataclass(frozen=True)
class ServerOptions:
    """Behaviour shared by all tiers (what the source serves from is configured separately)."""

    tier: str
    name: str = ""
    signing_key: bytes | None = None
    require_signature: bool = False
    admin_token: str | None = None
    traces_dir: Path | None = None
    chaos_seed: int | None = None

    def __post_init__(self) -> None:
        if self.require_signature and not self.signing_key:
            raise ValueError("signed URLs are required but no signing key is configured")


class TierServer:
    """A raw ASGI application serving one tier's objects from ``source``."""

    def __init__(self, options: ServerOptions, source: Source) -> None:
        self.options = options
        self.source = source
        self.metrics = Metrics(options.tier)
        self.chaos = Chaos(options.chaos_seed)
        self.shaper = SessionShaper(options.traces_dir)
        self._routes = {"/health": self._health, "/metrics": self._metrics, "/has": self._has}
        self.on_ready: list[Callable[[], None]] = []

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            path = scope["path"]
            route = self._routes.get(path)
            if route is not None:
                await route(scope, send)
            elif path.startswith("/admin/"):
                await self._admin(scope, receive, send)
            else:
                await self._media(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.source.start()
                await send({"type": "lifespan.startup.complete"})
                for callback in self.on_ready:
                    callback()
            elif message["type"] == "lifespan.shutdown":
                await self.source.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # --- media -----------------------------------------------------------------------------------

    async def _media(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await send_error(send, 405, "method not allowed", [(b"allow", b"GET, HEAD")])
            return
        self.metrics.requests += 1
        self.metrics.in_flight += 1
        try:
            await self._serve_media(scope, receive, send)
        finally:
            self.metrics.in_flight -= 1

    async def _serve_media(self, scope: dict, receive: Receive, send: Send) -> None:
        faults = self.chaos.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if self.chaos.should_fail():
            self.metrics.injected_failures += 1
            await send_error(send, 503, "injected failure", [(b"retry-after", b"1")])
            return
        try:
            request = parse_media_request(scope)
        except BadPath as exc:
            self.metrics.rejected += 1
            await send_error(send, 400, str(exc))
            return
        if not self._authorised(request):
            self.metrics.rejected += 1
            await send_error(send, 403, "missing, expired or invalid token")
            return
        try:
            pacer = self.shaper.pacer_for(request.session_id, request.shape_profile, _client(scope))
        except UnknownProfile as exc:
            await send_error(send, 400, f"unknown shaping profile {exc.args[0]!r}")
            return
        try:
            found = await self.source.find(request.key)
            if isinstance(found, Found):
                zero_copy = "http.response.pathsend" in scope.get("extensions", {})
                await self._send_object(request, found, pacer, zero_copy, receive, send)
            elif isinstance(found, Relay):
                await self._relay(request, found, send)
            else:
                self.metrics.not_found += 1
                await send_error(send, 404, "no such object")
        except UpstreamError as exc:
            self.metrics.upstream_errors += 1
            log.warning("%s: %s", request.key, exc)
            await send_error(send, 502, "upstream failed")

    def _authorised(self, request: MediaRequest) -> bool:
        if not self.options.require_signature:
            return True
        creds = request.credentials
        assert self.options.signing_key is not None
        return creds is not None and signing.verify(
            request.key, creds.session_id, creds.expires_at, creds.token, self.options.signing_key
        )

    async def _send_object(
        self,
        request: MediaRequest,
        found: Found,
        pacer: Pacer | None,
        zero_copy: bool,
        receive: Receive,
        send: Send,
    ) -> None:
        headers = object_headers(request.key, found.size)
        if etag_matches(request.if_none_match, etag_for(request.key, found.size)):
            await send_head(send, 304, headers)
            await send({"type": "http.response.body", "body": b""})
            return
        try:
            byte_range = parse_range(request.range_header, found.size)
        except Unsatisfiable:
            await send_error(
                send, 416, "range not satisfiable", [(b"content-range", f"bytes */{found.size}".encode())]
            )
            return
        try:
            fd = os.open(found.path, os.O_RDONLY)
        except OSError:
            self.source.forget(request.key)
            await send_error(send, 503, "object evicted while being served, retry", [(b"retry-after", b"0")])
            return
        try:
            self.metrics.count(found.outcome)
            span = byte_range or ByteRange(0, found.size - 1)
            status = 206 if byte_range else 200
            if byte_range:
                headers.append((b"content-range", byte_range.content_range(found.size).encode()))
            headers.append((b"content-length", str(max(span.length, 0)).encode()))
            await send_head(send, status, headers)
            if request.head or found.size == 0:
                await send({"type": "http.response.body", "body": b""})
                return
            full_speed = pacer is None and self.chaos.cap is None and not self.chaos.faults.stall_seconds
            if zero_copy and full_speed and not byte_range:
                # The common case, a whole object at full speed: the server sends the file itself
                # (sendfile-class, no copy through Python).
                await send({"type": "http.response.pathsend", "path": str(found.path)})
                self.metrics.sent(found.outcome, found.size)
                return
            await self._stream(fd, span, found.outcome, pacer, receive, send)
        finally:
            os.close(fd)

    async def _stream(
        self, fd: int, span: ByteRange, outcome: Outcome, pacer: Pacer | None, receive: Receive, send: Send
    ) -> None:
        """Send ``span`` of ``fd``; paced, capped or stalled bodies go in small chunks and stop on disconnect.

        Reads are plain ``pread`` on the event loop: edge objects are hot in the page cache, where a
        read costs less than the thread hop that would hide it. Full-speed whole-object hits do not
        come here at all under granian (see ``pathsend`` in :meth:`_send_object`).
        """
        faults = self.chaos.faults
        pacers = [p for p in (pacer, self.chaos.cap) if p is not None]
        stall_at = faults.stall_after_bytes if faults.stall_seconds else -1
        slow = bool(pacers) or stall_at >= 0
        disconnected = asyncio.ensure_future(_disconnect(receive)) if slow else None
        chunk_size = PACED_CHUNK if pacers else CHUNK
        offset, remaining, sent = span.start, span.length, 0
        try:
            while remaining > 0:
                if sent == stall_at:
                    await asyncio.sleep(faults.stall_seconds)
                limit = min(chunk_size, remaining, stall_at - sent if stall_at > sent else chunk_size)
                chunk = os.pread(fd, limit, offset)
                if not chunk:
                    raise OSError("object shrank while being served")
                for p in pacers:
                    await p.consume(len(chunk))
                if disconnected is not None and disconnected.done():
                    return
                offset += len(chunk)
                remaining -= len(chunk)
                sent += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
                self.metrics.sent(outcome, len(chunk))
        finally:
            if disconnected is not None:
                disconnected.cancel()

    async def _relay(self, request: MediaRequest, relay: Relay, send: Send) -> None:
        range_header = None if request.head else request.range_header
        async with relay.upstream.relay(relay.key, range_header) as (status, headers, body):
            if status == 404:
                self.metrics.not_found += 1
                await send_error(send, 404, "no such object")
                return
            self.metrics.count("passthrough")
            await send_head(send, status, [(k.encode(), v.encode()) for k, v in headers.items()])
            if request.head:
                await send({"type": "http.response.body", "body": b""})
                return
            try:
                async for chunk in body:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    self.metrics.sent("passthrough", len(chunk))
            except UpstreamError as exc:
                # Headers are gone already: leaving the response incomplete makes the server drop
                # the connection, so the client sees a short body rather than a wrong one.
                self.metrics.upstream_errors += 1
                log.warning("relay of %s broke: %s", request.key, exc)
                return
            await send({"type": "http.response.body", "body": b""})

    # --- probes ----------------------------------------------------------------------------------

    async def _health(self, scope: dict, send: Send) -> None:
        stats = self.source.stats()
        await send_json(
            send,
            200,
            {
                "status": "ok",
                "tier": self.options.tier,
                "name": self.options.name,
                "inFlight": self.metrics.in_flight,
                "bytesPerSecond": round(self.metrics.bytes_per_second(), 1),
                "objects": stats.get("objects"),
                "usedBytes": stats.get("usedBytes"),
                "capacityBytes": stats.get("capacityBytes"),
                "faulty": self.chaos.active,
            },
        )

    async def _metrics(self, scope: dict, send: Send) -> None:
        await send_json(
            send, 200, {"name": self.options.name, **self.metrics.snapshot(), **self.source.stats()}
        )

    async def _has(self, scope: dict, send: Send) -> None:
        prefix = _query(scope, "prefix") or ""
        if not is_valid_prefix(prefix):
            await send_error(send, 400, "invalid prefix")
            return
        objects, nbytes = self.source.holding(prefix)
        await send_json(
            send, 200, {"prefix": prefix, "held": objects > 0, "objects": objects, "bytes": nbytes}
        )

    # --- admin -----------------------------------------------------------------------------------

    async def _admin(self, scope: dict, receive: Receive, send: Send) -> None:
        token = self.options.admin_token
        if not token:
            await send_error(send, 404, "admin API disabled")
            return
        auth = dict(scope.get("headers", [])).get(b"authorization", b"").decode("latin-1")
        if not hmac.compare_digest(auth.encode(), f"Bearer {token}".encode()):
            await send_error(send, 401, "bad admin token", [(b"www-authenticate", b"Bearer")])
            return
        action = (scope["method"], scope["path"].removeprefix("/admin/"))
        try:
            body = orjson.loads(await read_body(receive) or b"{}")
            if not isinstance(body, dict):
                raise ValueError("body must be a JSON object")
            await self._admin_action(action, body, send)
        except (ValueError, TypeError, UnknownProfile, orjson.JSONDecodeError) as exc:
            await send_error(send, 400, str(exc))

    async def _admin_action(self, action: tuple[str, str], body: dict, send: Send) -> None:
        match action:
            case ("GET", "faults"):
                await send_json(send, 200, self.chaos.describe())
            case ("POST", "faults"):
                self.chaos.update(body)
                await send_json(send, 200, self.chaos.describe())
            case ("DELETE", "faults"):
                self.chaos.reset()
                await send_json(send, 200, self.chaos.describe())
            case ("POST", "kill"):
                await send_json(send, 202, {"killing": os.getpid()})
                asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGKILL)
            case ("POST", "shape"):
                await self._admin_shape(body, send)
            case _:
                await send_error(send, 404, "unknown admin action")

    async def _admin_shape(self, body: dict, send: Send) -> None:
        """Register a profile (``{"profile", "trace": [[t, mbps], ...]}``) and/or assign one to a session."""
        profile = body.get("profile")
        if profile is not None and not isinstance(profile, str):
            raise ValueError("profile must be a string")
        if "trace" in body:
            if profile is None:
                raise ValueError("a trace needs a profile name")
            self.shaper.register(profile, Trace([(float(t), float(m)) for t, m in body["trace"]]))
        if "sid" in body:
            self.shaper.assign(str(body["sid"]), profile)
        await send_json(send, 200, {"assignments": self.shaper.assignments()})


async def _disconnect(receive: Receive) -> None:
    """Return once the client has gone (the request body, empty for GET, comes first)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _client(scope: dict) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _query(scope: dict, name: str) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else None
