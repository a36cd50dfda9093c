"""The edge's disk cache: object files, atomic fills, and the index rebuilt from disk at start.

Layout under the cache directory::

    objects/<object key>   complete, verified objects only (what the index describes)
    tmp/<random>.part      fills in progress; deleted at start, never served
    popularity.json        hit counts saved at shutdown, so popularity survives a restart

An object only ever appears under ``objects/`` through ``os.replace`` of a temp file whose size
matched the upstream ``Content-Length``, so a crash or an upstream that dies mid-transfer can leave
garbage in ``tmp/`` but never a truncated object that would be served.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from pathlib import Path

from .cache import CacheIndex
from .paths import BadPath, object_key
from .policy import create_policy

log = logging.getLogger(__name__)
POPULARITY_FILE = "popularity.json"


class DiskStore:
    """Objects on disk under ``root`` bounded by ``capacity_bytes``; evicts through the index policy."""

    def __init__(self, root: Path, capacity_bytes: int, policy: str = "lfu-da") -> None:
        self.root = root.resolve()
        self.objects = self.root / "objects"
        self.tmp = self.root / "tmp"
        self.index = CacheIndex(capacity_bytes, create_policy(policy))

    def open(self) -> None:
        """Create the layout, discard unfinished fills and rebuild the index from the object files."""
        self.objects.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        for leftover in self.tmp.iterdir():
            leftover.unlink(missing_ok=True)
        popularity = self._load_popularity()
        found: list[tuple[float, str, int]] = []
        for path in self.objects.rglob("*"):
            if not path.is_file():
                continue
            key = path.relative_to(self.objects).as_posix()
            try:
                object_key("/" + key)
            except BadPath:
                path.unlink(missing_ok=True)
                continue
            stat = path.stat()
            found.append((stat.st_mtime, key, stat.st_size))
        for _, key, size in sorted(found):
            self._delete_files(self.index.make_room(size))
            if self.index.fits(size):
                self.index.add(key, size, popularity.get(key, 1))
            else:
                self._delete_files([key])

    def close(self) -> None:
        """Persist popularity so the eviction order survives a restart."""
        target = self.root / POPULARITY_FILE
        temp = self.tmp / f"{uuid.uuid4().hex}.json"
        try:
            temp.write_text(json.dumps(self.index.popularity()))
            os.replace(temp, target)
        except OSError as exc:
            log.warning("could not save cache popularity: %s", exc)
            temp.unlink(missing_ok=True)

    def lookup(self, key: str) -> Path | None:
        """Path of a held object (recording the hit), or None on a miss."""
        return self.objects / key if self.index.hit(key) else None

    def temp_path(self) -> Path:
        return self.tmp / f"{uuid.uuid4().hex}.part"

    def commit(self, temp: Path, key: str, expected_size: int) -> Path | None:
        """Move a finished fill into place if it has exactly ``expected_size`` bytes.

        Returns the object's path, or None (temp discarded) when the size is wrong or the object
        cannot be stored; in both cases nothing partial ever becomes visible.
        """
        try:
            if temp.stat().st_size != expected_size or not self.index.fits(expected_size):
                temp.unlink(missing_ok=True)
                return None
            self._delete_files(self.index.make_room(expected_size))
            target = self.objects / key
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)
        except OSError as exc:
            log.warning("could not store %s: %s", key, exc)
            temp.unlink(missing_ok=True)
            return None
        self.index.add(key, expected_size)
        return target

    def forget(self, key: str) -> None:
        """Drop an object whose file vanished or is unreadable."""
        self.index.remove(key)
        self._delete_files([key])

    def _delete_files(self, keys: list[str]) -> None:
        for key in keys:
            path = self.objects / key
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
                for parent in path.parents:
                    if parent == self.objects:
                        break
                    parent.rmdir()

    def _load_popularity(self) -> dict[str, int]:
        try:
            data = json.loads((self.root / POPULARITY_FILE).read_text())
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, int)}
