"""Resumable upload of masters: an interrupted upload continues from the last acknowledged byte.

Protocol (``/api/v1/content/uploads``, content token required; errors are the API's usual
``{"error": {"code", "message"}}``, and every 409 also carries ``"offset"``, where the upload stands):

- ``POST /content/uploads`` ``{filename, sizeBytes, sha256}`` → 201, the upload: ``{uploadId, offset: 0,
  sizeBytes, chunkBytes, complete, expiresAt, …}``. 413 ``upload_too_large`` over the configured maximum,
  413 ``insufficient_storage`` when the disk cannot hold it next to the uploads already in progress.
- ``PUT /content/uploads/{id}`` with ``Upload-Offset: N`` (decimal, required) and the raw bytes as the
  body → 200, the upload with its new ``offset``. 409 ``offset_mismatch`` when N is not the acknowledged
  offset, 409 ``upload_busy`` while another request writes this upload, 413 ``chunk_too_large`` for bytes
  past the declared size (nothing of that chunk is kept). Bytes that arrived before the client went
  away are kept and acknowledged, so a dropped connection costs only what was in flight.
- ``GET /content/uploads/{id}`` → the upload: where to resume (``offset``), and whether it is ``complete``.
- ``POST /content/uploads/{id}/complete`` → the size and SHA-256 are checked, the master is moved into the
  masters folder, and the upload carries ``masterFileUrl`` for ``POST /content/upload``. Completing twice
  answers the same. 409 ``upload_incomplete`` before every byte arrived; 422 ``checksum_mismatch``
  discards the upload (start again).
- ``DELETE /content/uploads/{id}`` → 204, the upload and its partial file are gone.
- 404 ``upload_not_found`` for an unknown id, ``upload_expired`` for one idle longer than
  ``upload_expiry_s`` (expired uploads are swept whenever an upload is created).

Durability: the acknowledged offset lives in the database and only moves after the bytes were
fsynced, with the partial file's lock held. A writer killed mid-chunk may leave unacknowledged bytes
behind; whoever takes the lock next truncates the file back to the acknowledged offset first. The
database row, not the file, is the truth, so several workers over shared storage agree.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio.from_thread
import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.backend.content.partial_file import PartialFile, PartialFileBusy, fsync_dir, open_locked
from app.backend.db.models import EncodingJob, ResumableUpload, UploadStatus
from app.backend.errors import Conflict, DomainError, NotFound
from app.config import Settings

log = logging.getLogger(__name__)
# A request body silent this long is treated as a dropped connection, so a half-open socket cannot
# hold an upload's lock (and keep the resuming client out) until TCP gives up hours later.
STALL_TIMEOUT_S = 60.0
_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
_SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
MAX_FILENAME_CHARS = 255


class BodyInterrupted(Exception):
    """The request body ended early: the client went away or stalled."""


class UploadConflict(Conflict):
    """A 409 that says where the upload really stands, so the client can resume from there."""

    def __init__(self, message: str, *, code: str, offset: int) -> None:
        super().__init__(message, code=code, extra={"offset": offset})


class UploadTooLarge(DomainError):
    status_code = 413
    code = "upload_too_large"


class ChunkTooLarge(DomainError):
    status_code = 413
    code = "chunk_too_large"


class ChecksumMismatch(DomainError):
    status_code = 422
    code = "checksum_mismatch"


class StorageFull(DomainError):
    status_code = 507
    code = "storage_full"


@dataclass(frozen=True)
class UploadState:
    upload_id: str
    filename: str
    size_bytes: int
    sha256: str
    offset: int
    chunk_bytes: int
    complete: bool
    expires_at: float
    master_file_url: str | None


def display_name(filename: str) -> str:
    """The client's file name without folders or control characters; it never becomes a path."""
    name = _CONTROL_CHARS.sub("", re.split(r"[/\\]", filename)[-1]).strip()
    return name[:MAX_FILENAME_CHARS] if name not in ("", ".", "..") else "master"


def master_suffix(filename: str) -> str:
    """``.mp4`` and the like, kept so tools recognise the master; anything odd is dropped."""
    suffix = Path(display_name(filename)).suffix.lower()
    return suffix if _SAFE_SUFFIX.fullmatch(suffix) else ""


class ResumableUploads:
    """The uploads of one backend: rows in the database, partial files under ``partial_uploads_dir``."""

    def __init__(
        self, sessions: sessionmaker[Session], settings: Settings, stall_timeout_s: float = STALL_TIMEOUT_S
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._stall_timeout_s = stall_timeout_s

    def create(self, filename: str, size_bytes: int, sha256: str) -> UploadState:
        self.sweep_expired()
        limit = self._settings.upload_max_bytes
        if size_bytes > limit:
            raise UploadTooLarge(f"a master of {size_bytes} bytes is over this backend's limit of {limit}")
        self._ensure_folders()
        now = time.time()
        with self._sessions() as session:
            pending = session.scalar(
                select(func.sum(ResumableUpload.size_bytes - ResumableUpload.received_bytes)).where(
                    ResumableUpload.status == UploadStatus.OPEN
                )
            )
            room = shutil.disk_usage(self._settings.partial_uploads_dir).free - int(pending or 0)
            if size_bytes > room:
                raise UploadTooLarge(
                    f"a master of {size_bytes} bytes does not fit: {max(room, 0)} bytes are free "
                    "next to the uploads in progress",
                    code="insufficient_storage",
                )
            row = ResumableUpload(
                id=uuid.uuid4().hex,
                filename=display_name(filename),
                size_bytes=size_bytes,
                sha256=sha256.lower(),
                received_bytes=0,
                status=UploadStatus.OPEN,
                created_at=now,
                updated_at=now,
                expires_at=now + self._settings.upload_expiry_s,
            )
            session.add(row)
            session.commit()
            open_locked(self._partial_path(row.id)).close()
            return self._state(row)

    def status(self, upload_id: str) -> UploadState:
        """Where the upload stands; a torn write is cut off first unless a writer is busy with it."""
        try:
            with self._locked(upload_id) as (_session, row, _partial):
                return self._state(row)
        except UploadConflict:  # busy: the database still knows the acknowledged offset
            with self._sessions() as session:
                return self._state(self._get(session, upload_id))

    async def receive(
        self, upload_id: str, offset: int, declared_length: int | None, body: AsyncIterator[bytes]
    ) -> UploadState:
        """Append one chunk at ``offset``, streamed to disk; the blocking work runs off the event loop."""
        pieces = aiter(body)

        async def next_piece() -> bytes | None:
            try:
                return await asyncio.wait_for(anext(pieces), self._stall_timeout_s)
            except StopAsyncIteration:
                return None
            except TimeoutError as exc:
                raise BodyInterrupted(f"no bytes for {self._stall_timeout_s:.0f} s") from exc

        return await anyio.to_thread.run_sync(
            self.receive_blocking,
            upload_id,
            offset,
            declared_length,
            lambda: anyio.from_thread.run(next_piece),
        )

    def receive_blocking(
        self, upload_id: str, offset: int, declared_length: int | None, read: Callable[[], bytes | None]
    ) -> UploadState:
        """:meth:`receive` with a blocking ``read`` (None at the end of the body)."""
        with self._locked(upload_id) as (session, row, partial):
            start = row.received_bytes
            if row.status == UploadStatus.COMPLETE:
                raise UploadConflict("the upload is already complete", code="upload_complete", offset=start)
            if offset != start:
                raise UploadConflict(
                    f"the upload continues at byte {start}, not {offset}",
                    code="offset_mismatch",
                    offset=start,
                )
            room = row.size_bytes - start
            if declared_length is not None and declared_length > room:
                raise self._past_end(row, declared_length)
            written = self._write_chunk(partial, row, read)
            partial.sync()
            now = time.time()
            row.received_bytes = start + written
            row.updated_at = now
            row.expires_at = now + self._settings.upload_expiry_s
            session.commit()
            return self._state(row)

    def complete(self, upload_id: str) -> UploadState:
        """Verify size and SHA-256, then hand the master over; idempotent once it succeeded."""
        with self._locked(upload_id) as (session, row, partial):
            if row.status == UploadStatus.COMPLETE:
                return self._state(row)
            if row.received_bytes != row.size_bytes:
                raise UploadConflict(
                    f"only {row.received_bytes} of {row.size_bytes} bytes have arrived",
                    code="upload_incomplete",
                    offset=row.received_bytes,
                )
            actual = partial.sha256()
            if actual != row.sha256:
                self._remove(session, row)
                raise ChecksumMismatch(
                    f"the received file's SHA-256 is {actual}, not the declared {row.sha256}; "
                    "the upload was discarded, start a new one"
                )
            master = self._settings.masters_dir / f"{row.id}{master_suffix(row.filename)}"
            # Linked, committed, then unlinked: a crash at any point leaves either the partial file to
            # complete again or the master already recorded, never a master the database lost.
            master.unlink(missing_ok=True)
            os.link(self._partial_path(row.id), master)
            fsync_dir(master.parent)
            now = time.time()
            row.status = UploadStatus.COMPLETE
            row.master_path = str(master)
            row.updated_at = now
            row.expires_at = now + self._settings.upload_expiry_s
            session.commit()
            self._partial_path(row.id).unlink()
            return self._state(row)

    def abort(self, upload_id: str) -> None:
        with self._locked(upload_id) as (session, row, _partial):
            if row.status == UploadStatus.COMPLETE:
                raise UploadConflict(
                    "the upload is complete: its master may be in use",
                    code="upload_complete",
                    offset=row.size_bytes,
                )
            self._remove(session, row)

    def sweep_expired(self) -> int:
        """Remove uploads idle past their expiry (with their files); returns how many went."""
        with self._sessions() as session:
            expired = session.scalars(
                select(ResumableUpload.id).where(ResumableUpload.expires_at < time.time())
            ).all()
        swept = 0
        for upload_id in expired:
            try:
                with self._locked(upload_id):
                    pass
            except UploadConflict:  # being written right now: not idle after all
                continue
            except NotFound:
                swept += 1
        return swept

    @contextmanager
    def _locked(self, upload_id: str) -> Iterator[tuple[Session, ResumableUpload, PartialFile]]:
        """The upload with its partial file locked and trimmed to the acknowledged offset.

        The lock comes before the row is read, so the row cannot change until the block ends. An
        expired upload is removed here (404); an open one gets its torn write cut off.
        """
        path = self._partial_path(upload_id)
        self._ensure_folders()
        try:
            partial = open_locked(path)
        except PartialFileBusy:
            with self._sessions() as session:
                offset = self._get(session, upload_id).received_bytes
            raise UploadConflict(
                "another request is writing this upload; ask again shortly", code="upload_busy", offset=offset
            ) from None
        with partial, self._sessions() as session:
            row = session.get(ResumableUpload, upload_id)
            if row is None:
                path.unlink()  # opening it created it: a partial file without an upload is litter
                raise NotFound(f"upload {upload_id!r} does not exist", code="upload_not_found")
            if row.expires_at < time.time():
                self._remove(session, row)
                raise NotFound(f"upload {upload_id!r} expired", code="upload_expired")
            if row.status == UploadStatus.COMPLETE:
                path.unlink()
            else:
                self._trim(session, row, partial)
            session.commit()  # no transaction stays open while a chunk streams in
            yield session, row, partial

    def _write_chunk(
        self, partial: PartialFile, row: ResumableUpload, read: Callable[[], bytes | None]
    ) -> int:
        """Stream the body into the file after the acknowledged bytes; returns how many to acknowledge."""
        start, room, written = row.received_bytes, row.size_bytes - row.received_bytes, 0
        try:
            while (piece := read()) is not None:
                if written + len(piece) > room:
                    partial.truncate(start)
                    raise self._past_end(row, written + len(piece))
                partial.write_at(start + written, piece)
                written += len(piece)
        except BodyInterrupted as exc:
            log.info("upload %s: chunk interrupted (%s); keeping its %d bytes", row.id, exc, written)
        except OSError as exc:
            partial.truncate(start)
            if exc.errno == errno.ENOSPC:
                raise StorageFull("the backend's disk is full; the chunk was not kept") from exc
            raise
        return written

    def _trim(self, session: Session, row: ResumableUpload, partial: PartialFile) -> None:
        on_disk = partial.size
        if on_disk > row.received_bytes:
            log.warning("upload %s: cutting %d unacknowledged bytes", row.id, on_disk - row.received_bytes)
            partial.truncate(row.received_bytes)
        elif on_disk < row.received_bytes:
            log.error("upload %s: storage lost acknowledged bytes; resuming at %d", row.id, on_disk)
            row.received_bytes = on_disk

    def _remove(self, session: Session, row: ResumableUpload) -> None:
        """Delete the upload and its partial file, and its master when no encoding job uses it."""
        self._partial_path(row.id).unlink(missing_ok=True)
        if row.master_path and not session.scalar(
            select(EncodingJob.id).where(EncodingJob.master_url == row.master_path).limit(1)
        ):
            Path(row.master_path).unlink(missing_ok=True)
        session.delete(row)
        session.commit()

    def _past_end(self, row: ResumableUpload, length: int) -> ChunkTooLarge:
        room = row.size_bytes - row.received_bytes
        return ChunkTooLarge(
            f"a chunk of {length} bytes at byte {row.received_bytes} passes the declared size "
            f"{row.size_bytes} ({room} bytes remain)"
        )

    def _get(self, session: Session, upload_id: str) -> ResumableUpload:
        row = session.get(ResumableUpload, upload_id)
        if row is None:
            raise NotFound(f"upload {upload_id!r} does not exist", code="upload_not_found")
        return row

    def _ensure_folders(self) -> None:
        self._settings.partial_uploads_dir.mkdir(parents=True, exist_ok=True)
        self._settings.masters_dir.mkdir(parents=True, exist_ok=True)

    def _partial_path(self, upload_id: str) -> Path:
        """Only ids this backend could have made name a file, so a request id never escapes the folder."""
        if not _UPLOAD_ID.fullmatch(upload_id):
            raise NotFound(f"upload {upload_id!r} does not exist", code="upload_not_found")
        return self._settings.partial_uploads_dir / f"{upload_id}.part"

    def _state(self, row: ResumableUpload) -> UploadState:
        return UploadState(
            upload_id=row.id,
            filename=row.filename,
            size_bytes=row.size_bytes,
            sha256=row.sha256,
            offset=row.received_bytes,
            chunk_bytes=self._settings.upload_chunk_bytes,
            complete=row.status == UploadStatus.COMPLETE,
            expires_at=row.expires_at,
            master_file_url=Path(row.master_path).as_uri() if row.master_path else None,
        )
