"""Room on the output's filesystem: what a planned ladder needs, and a write that found the disk full.

An encode that runs out of space fails with :class:`DiskFullError` naming the path, the bytes needed and
the bytes free, instead of a bare ``OSError``; and a ladder that clearly cannot fit (its average bitrates
times the duration exceed the free space) is refused before anything is encoded.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterable
from pathlib import Path

from app.studio.media.errors import DiskFullError

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def free_bytes(path: Path) -> int:
    """Free space for ``path``'s filesystem (measured at its nearest existing folder)."""
    folder = path
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def size_text(count: float) -> str:
    """Bytes for people: ``512 B``, ``45.2 kB``, ``3.1 MB``, ``1.2 GB`` (decimal units, like ``df -H``)."""
    if count < 1000:
        return f"{count:.0f} B"
    for unit in ("kB", "MB"):
        count /= 1000
        if count < 1000:
            return f"{count:.1f} {unit}"
    return f"{count / 1000:.1f} GB"


def write_failed(path: Path, needed: int) -> DiskFullError:
    """The error for a write of ``needed`` bytes to ``path`` that the disk refused."""
    return DiskFullError(
        f"disk full: writing {path} needs {size_text(needed)}, {size_text(free_bytes(path))} free"
    )


def planned_bytes(bitrates_kbps: Iterable[int], duration_s: float) -> int:
    """What renditions of these average bitrates take for ``duration_s`` (container overhead aside)."""
    return round(sum(bitrates_kbps) * 1000 / 8 * duration_s)


def check_room(directory: Path, needed: int) -> None:
    """Raise :class:`DiskFullError` when ``directory``'s filesystem has less than ``needed`` bytes free."""
    free = free_bytes(directory)
    if free < needed:
        raise DiskFullError(
            f"not enough disk space for the encode: it needs about {size_text(needed)} in {directory},"
            f" {size_text(free)} free"
        )
