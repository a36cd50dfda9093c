"""An upload's partial file: one writer at a time, and bytes made durable before anyone counts them.

The lock is ``flock`` on the open file: it excludes other requests of the same worker as well as
other workers, and the kernel drops it when a process dies, so a killed writer never leaves an upload
locked. (Linux emulates ``flock`` with POSIX locks on NFS, so shared storage behaves the same.)
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from types import TracebackType

READ_BLOCK_BYTES = 1 << 20


class PartialFileBusy(Exception):
    """Another request holds the file's lock: it is being written right now."""


class PartialFile:
    """An open partial file, locked exclusively until :meth:`close` (or the end of a ``with`` block)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    @property
    def size(self) -> int:
        return os.fstat(self._fd).st_size

    def write_at(self, offset: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.pwrite(self._fd, view, offset)
            offset += written
            view = view[written:]

    def truncate(self, length: int) -> None:
        """Drop everything past ``length`` (a torn or refused write), durably."""
        os.ftruncate(self._fd, length)
        os.fsync(self._fd)

    def sync(self) -> None:
        os.fsync(self._fd)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        offset = 0
        while block := os.pread(self._fd, READ_BLOCK_BYTES, offset):
            digest.update(block)
            offset += len(block)
        return digest.hexdigest()

    def close(self) -> None:
        os.close(self._fd)  # closing the last descriptor releases the lock

    def __enter__(self) -> PartialFile:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def open_locked(path: Path) -> PartialFile:
    """The partial file at ``path``, created empty when missing, locked; :class:`PartialFileBusy` if held."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fd = os.open(path, os.O_RDWR)
    else:
        fsync_dir(path.parent)  # the new name must survive a crash as surely as the bytes written into it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(fd)
        raise PartialFileBusy(str(path)) from exc
    return PartialFile(fd)


def fsync_dir(folder: Path) -> None:
    """Make the folder's entries (a created, renamed or linked name) durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
