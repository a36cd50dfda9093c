"""Turning an ASGI scope into a validated media request: object key, credentials, shaping choice.

Two URL forms reach the same object ``titles/42/v1/seg_1.m4s``:

* ``/titles/42/v1/seg_1.m4s?sid=S&exp=E&token=T`` (query credentials), and
* ``/s/S/E/T/titles/42/v1/seg_1.m4s`` (path credentials, which survive relative URL resolution).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from .paths import BadPath, object_key
from .signing import SIGNED_PATH_MARKER

_SIGNED_PREFIX = f"/{SIGNED_PATH_MARKER}/".encode()


@dataclass(frozen=True, slots=True)
class Credentials:
    session_id: str
    expires_at: int
    token: str


@dataclass(frozen=True, slots=True)
class MediaRequest:
    key: str
    credentials: Credentials | None
    session_id: str | None
    shape_profile: str | None
    range_header: str | None
    if_none_match: str | None
    head: bool


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


def _credentials(session_id: str | None, expires_at: str | None, token: str | None) -> Credentials | None:
    if not (session_id and expires_at and token) or not expires_at.isdigit() or len(expires_at) > 12:
        return None
    return Credentials(session_id, int(expires_at), token)


def parse_media_request(scope: dict) -> MediaRequest:
    """Validate the path and pick out credentials and headers; raises :class:`BadPath` (400)."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("latin-1")
    raw_path = raw_path.split(b"?", 1)[0]
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))

    def first(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    headers = scope.get("headers", [])
    if raw_path.startswith(_SIGNED_PREFIX):
        parts = raw_path[len(_SIGNED_PREFIX) :].split(b"/", 3)
        if len(parts) != 4:
            raise BadPath("incomplete signed path")
        sid, exp, token = (p.decode("latin-1") for p in parts[:3])
        credentials = _credentials(sid, exp, token)
        if credentials is None:
            raise BadPath("malformed signed path")
        key = object_key(b"/" + parts[3])
    else:
        key = object_key(raw_path)
        credentials = _credentials(first("sid"), first("exp"), first("token"))
    session_id = (
        credentials.session_id if credentials else first("sid") or _header(headers, b"x-marquee-session")
    )
    return MediaRequest(
        key=key,
        credentials=credentials,
        session_id=session_id,
        shape_profile=first("shape") or _header(headers, b"x-marquee-shape"),
        range_header=_header(headers, b"range"),
        if_none_match=_header(headers, b"if-none-match"),
        head=scope["method"] == "HEAD",
    )
