"""Package finished renditions: index.json plus HLS and DASH manifests over one set of CMAF segments.

A package lives under an immutable path per encode (``<media_root>/titles/<title_id>/<encode_id>/``); a
re-encode gets a new ``encode_id``, so caches and edges never see a file change under the same URL.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path

from app.studio.media.errors import PackagingError
from app.studio.media.index import DASH_MANIFEST, HLS_MASTER, HLS_MEDIA, PackageIndex, scan_rendition
from app.studio.media.manifests import dash, hls
from app.studio.media.segmenter import read_meta, write_atomic

INDEX_NAME = "index.json"


def new_encode_id() -> str:
    """Sortable, unique id for one encode of a title (UTC time + random suffix)."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)


def encode_dir(media_root: str | os.PathLike[str], title_id: str, encode_id: str) -> Path:
    """Where one encode of a title lives; the path never gets reused for different content."""
    for part in (title_id, encode_id):
        if not part or "/" in part or "\\" in part or part in (".", ".."):
            raise ValueError(f"invalid path component {part!r}")
    return Path(media_root) / "titles" / title_id / encode_id


def read_package(
    directory: str | os.PathLike[str], *, title_id: str, encode_id: str, segment_seconds: float
) -> PackageIndex:
    """The index of the finished renditions in ``directory``, read from their files (nothing written)."""
    root = Path(directory)
    renditions = tuple(
        scan_rendition(sub) for sub in sorted(root.iterdir()) if sub.is_dir() and read_meta(sub) is not None
    )
    if not any(r.meta.kind == "video" for r in renditions):
        raise PackagingError(f"{root} has no finished video rendition")
    return PackageIndex(title_id, encode_id, segment_seconds, renditions)


def package(
    directory: str | os.PathLike[str], *, title_id: str, encode_id: str, segment_seconds: float
) -> PackageIndex:
    """Write ``index.json``, the HLS master and media playlists and the DASH MPD for ``directory``.

    Idempotent: re-running it after a crash rewrites the same manifests from the same files.
    """
    root = Path(directory)
    index = read_package(root, title_id=title_id, encode_id=encode_id, segment_seconds=segment_seconds)
    for rendition in index.renditions:
        write_atomic(root / rendition.id / HLS_MEDIA, hls.media_playlist(rendition, segment_seconds).encode())
    write_atomic(root / HLS_MASTER, hls.master_playlist(index).encode())
    write_atomic(root / DASH_MANIFEST, dash.mpd(index).encode())
    write_atomic(root / INDEX_NAME, json.dumps(index.to_dict(), indent=1).encode())
    return index
