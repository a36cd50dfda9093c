"""Signed playback URLs: an HMAC-SHA256 token bound to a path prefix, a session id and an expiry.

The backend's ``playback/start`` signs the title's prefix (``titles/42/``) for the session and
hands the player a base URL; edges verify it on every request. The token travels either in the
query (``?sid=..&exp=..&token=..``) or as a path component (``/s/<sid>/<exp>/<token>/titles/42/..``).
The path form exists because HLS and DASH resolve segment URLs relative to the manifest URL and
drop its query string: with the token in the path, every relative segment URL stays signed.

The prefix is not sent: the edge recomputes the MAC for each directory prefix of the requested
key (a handful of HMACs), so one token covers a whole title and nothing outside it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time

_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
SIGNED_PATH_MARKER = "s"


def _mac(path_prefix: str, session_id: str, expires_at: int, key: bytes) -> str:
    message = f"marquee-cdn-v1\n{path_prefix}\n{session_id}\n{expires_at}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(path_prefix: str, session_id: str, expires_at: int, key: bytes) -> str:
    """Token granting ``session_id`` every key starting with ``path_prefix`` until ``expires_at`` (unix s).

    ``path_prefix`` should end with ``/`` (a directory such as ``titles/42/``) or be a full key.
    """
    if not _SESSION_ID.fullmatch(session_id):
        raise ValueError("session id must be 1-128 characters of [A-Za-z0-9_-]")
    return _mac(path_prefix.lstrip("/"), session_id, int(expires_at), key)


def signed_path(path_prefix: str, session_id: str, expires_at: int, key: bytes) -> str:
    """URL path (``/s/<sid>/<exp>/<token>/<prefix>``) under which relative media URLs stay signed."""
    prefix = path_prefix.lstrip("/")
    token = sign(prefix, session_id, expires_at, key)
    return f"/{SIGNED_PATH_MARKER}/{session_id}/{int(expires_at)}/{token}/{prefix}"


def candidate_prefixes(object_key: str) -> list[str]:
    """Every prefix a token for ``object_key`` may have been signed for, longest first."""
    parts = object_key.split("/")
    prefixes = [object_key]
    prefixes += ["/".join(parts[:i]) + "/" for i in range(len(parts) - 1, 0, -1)]
    prefixes.append("")
    return prefixes


def verify(
    object_key: str, session_id: str, expires_at: int, token: str, key: bytes, now: float | None = None
) -> bool:
    """True when ``token`` grants ``session_id`` access to ``object_key`` and has not expired."""
    if (time.time() if now is None else now) >= expires_at or not _SESSION_ID.fullmatch(session_id):
        return False
    if not token.isascii():
        return False
    return any(
        hmac.compare_digest(_mac(prefix, session_id, expires_at, key), token)
        for prefix in candidate_prefixes(object_key)
    )
