"""Raw ASGI responses shared by every tier: small JSON/status answers and object headers.

The tiers speak raw ASGI rather than going through a framework because the hot path (a cache hit)
is a header block and two or three body sends; routing and validation layers would cost more than
the work itself at segment request rates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import orjson

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Headers = list[tuple[bytes, bytes]]

IMMUTABLE = b"public, max-age=31536000, immutable"
CONTENT_TYPES = {
    "m3u8": "application/vnd.apple.mpegurl",
    "mpd": "application/dash+xml",
    "m4s": "video/iso.segment",
    "mp4": "video/mp4",
    "m4a": "audio/mp4",
    "m4v": "video/mp4",
    "ts": "video/mp2t",
    "vtt": "text/vtt",
    "json": "application/json",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


def etag_for(key: str, size: int) -> str:
    """A strong ETag every tier derives alike, since published objects are immutable per path."""
    return '"' + hashlib.sha256(f"{key}\0{size}".encode()).hexdigest()[:24] + '"'


def object_headers(key: str, size: int) -> Headers:
    """Headers for a published object; ``immutable`` because a new encode always gets a new path."""
    ext = key.rsplit(".", 1)[-1].lower() if "." in key else ""
    return [
        (b"content-type", CONTENT_TYPES.get(ext, "application/octet-stream").encode()),
        (b"etag", etag_for(key, size).encode()),
        (b"cache-control", IMMUTABLE),
        (b"accept-ranges", b"bytes"),
    ]


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


async def send_head(send: Send, status: int, headers: Iterable[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})


async def send_bytes(send: Send, status: int, body: bytes, headers: Headers | None = None) -> None:
    extra = headers or []
    await send_head(send, status, [(b"content-length", str(len(body)).encode()), *extra])
    await send({"type": "http.response.body", "body": body})


async def send_json(send: Send, status: int, payload: object, headers: Headers | None = None) -> None:
    json_headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store"), *(headers or [])]
    await send_bytes(send, status, orjson.dumps(payload), json_headers)


async def send_error(send: Send, status: int, reason: str, headers: Headers | None = None) -> None:
    await send_json(send, status, {"error": reason}, headers)


async def read_body(receive: Receive, limit: int = 64 * 1024) -> bytes:
    """The request body, refusing more than ``limit`` bytes (admin calls are tiny)."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > limit:
            raise ValueError("request body too large")
        if not message.get("more_body"):
            return body
