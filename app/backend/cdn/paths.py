"""Safe request-path handling: the only way a URL becomes a file name in the CDN tiers.

Every tier maps a URL to a file under a root (the media root, or a cache directory). Rather than
trying to recognise every traversal trick (``../``, ``%2e%2e/``, double encoding, backslashes,
NUL bytes, absolute or drive paths), a path is accepted only if, after exactly one percent-decoding,
each segment is made of a small whitelist of characters and does not start with a dot. Whatever
is not provably a plain relative object key is refused, and :func:`resolve_under` re-checks the
resolved file against the root so a symlink planted inside the root cannot lead outside it either.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote_to_bytes

MAX_KEY_LENGTH = 1024
MAX_DEPTH = 16
_SEGMENT = re.compile(r"[A-Za-z0-9_~@=+,-][A-Za-z0-9._~@=+,-]*")


class BadPath(ValueError):
    """The request path is not a plain relative object key (answered with 400)."""


def object_key(raw_path: bytes | str) -> str:
    """Return the object key (``titles/42/v1/seg_1.m4s``) for a raw, still percent-encoded URL path.

    Decoding once and whitelisting the result means a double-encoded ``%252e`` stays a literal
    ``%`` after decoding and is refused, instead of being decoded again somewhere downstream.
    """
    raw = raw_path.encode("latin-1") if isinstance(raw_path, str) else raw_path
    try:
        decoded = unquote_to_bytes(raw).decode("ascii")
    except UnicodeDecodeError as exc:
        raise BadPath("non-ASCII path") from exc
    if not decoded.startswith("/"):
        raise BadPath("path must be absolute in the URL")
    key = decoded[1:]
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadPath("empty or overlong path")
    segments = key.split("/")
    if len(segments) > MAX_DEPTH or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise BadPath("path segment outside the allowed alphabet")
    return key


def is_valid_prefix(prefix: str) -> bool:
    """True for ``""`` or a key prefix such as ``titles/42/`` whose segments are all plain."""
    if not prefix:
        return True
    body = prefix[:-1] if prefix.endswith("/") else prefix
    return bool(body) and all(_SEGMENT.fullmatch(s) for s in body.split("/"))


def resolve_under(root: Path, key: str) -> Path | None:
    """The file for ``key`` under ``root`` (already resolved), or None when missing or escaping it."""
    candidate = (root / key).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate
