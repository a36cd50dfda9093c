"""Resolve a requested media path strictly inside the media root.

Every way out is refused: dot-segments, absolute paths, backslashes, NUL bytes, and symlinks that
point outside (the resolved path must still lie under the resolved root).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from app.backend.errors import DomainError, NotFound


class UnsafePath(DomainError):
    status_code = 400
    code = "unsafe_path"


def resolve_media_path(root: Path, requested: str) -> Path:
    if not requested or "\x00" in requested or "\\" in requested or requested.startswith("/"):
        raise UnsafePath("path is empty, absolute or contains forbidden characters")
    parts = PurePosixPath(requested).parts
    if any(part in ("..", ".") for part in parts) or ".." in requested.split("/"):
        raise UnsafePath("path contains dot-segments")
    base = root.resolve()
    candidate = (base / PurePosixPath(*parts)).resolve()
    if not candidate.is_relative_to(base):
        raise UnsafePath("path leaves the media root")
    if not candidate.is_file():
        raise NotFound(f"no media object at {requested!r}", code="media_not_found")
    return candidate
