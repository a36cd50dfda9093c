"""Send a local master to a backend by resumable upload, through dropped connections and restarts.

The upload's id and the file's SHA-256 are kept in a small state file keyed by the backend, the
file's path, size and modification time: running again after a crash or Ctrl-C continues from the
backend's acknowledged offset instead of starting over, and does not re-read a large master just to
hash it. Whatever this side believes, the backend's offset wins (every 409 carries it).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from app.client.api import ApiClient, ApiError

HASH_BLOCK_BYTES = 1 << 20
CHUNK_TIMEOUT_S = 60.0
# The backend reads the whole file once more to check it; allow for a slow disk on top of a minute.
COMPLETE_TIMEOUT_BASE_S = 60.0
COMPLETE_BYTES_PER_S = 50e6
_RETRYABLE_STATUSES = (0, 500, 502, 503, 504)  # 0: unreachable, timed out or the connection dropped

T = TypeVar("T")
# (phase, bytes done, bytes in all); phase is "hash" while the file is hashed, then "upload".
ProgressCallback = Callable[[str, int, int], None]
# Where a client keeps its uploads in progress (under its data dir), so running again resumes them.
STATE_FOLDER = "upload-state"


@dataclass(frozen=True)
class UploadResult:
    upload_id: str
    master_file_url: str
    size_bytes: int
    resumed_from: int  # the backend's offset when this run began sending
    sent_bytes: int  # bytes this run put on the wire, resent ones included


def file_sha256(path: Path, on_progress: ProgressCallback | None = None) -> str:
    digest = hashlib.sha256()
    total, done = path.stat().st_size, 0
    with path.open("rb") as f:
        while block := f.read(HASH_BLOCK_BYTES):
            digest.update(block)
            done += len(block)
            if on_progress:
                on_progress("hash", done, total)
    return digest.hexdigest()


class ResumableUploader:
    def __init__(
        self,
        client: ApiClient,
        state_dir: Path,
        *,
        on_progress: ProgressCallback | None = None,
        max_retries: int = 8,
        retry_initial_s: float = 0.5,
        retry_max_s: float = 30.0,
        chunk_timeout_s: float = CHUNK_TIMEOUT_S,
    ) -> None:
        self._client = client
        self._state_dir = state_dir
        self._on_progress = on_progress
        self._max_retries = max_retries
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._chunk_timeout_s = chunk_timeout_s

    def upload(self, path: Path) -> UploadResult:
        """Upload (or finish uploading) ``path``; returns the ``masterFileUrl`` for the content API."""
        path = path.resolve()
        stat = path.stat()
        state_file = self._state_file(path, stat)
        upload = self._resume(state_file) or self._start(path, stat.st_size, state_file)
        resumed_from = upload["offset"]
        sent = 0
        while not upload["complete"]:
            sent += self._send(path, upload)
            upload = self._complete(upload, state_file)
        state_file.unlink(missing_ok=True)
        return UploadResult(
            upload_id=upload["uploadId"],
            master_file_url=upload["masterFileUrl"],
            size_bytes=upload["sizeBytes"],
            resumed_from=resumed_from,
            sent_bytes=sent,
        )

    def _resume(self, state_file: Path) -> dict[str, Any] | None:
        """The upload a previous run left unfinished, if the backend still has it."""
        try:
            upload_id = json.loads(state_file.read_text(encoding="utf-8"))["uploadId"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        try:
            return self._retry(lambda: self._client.resumable_upload(upload_id))
        except ApiError as exc:
            if exc.status != 404:  # expired or unknown: start afresh
                raise
        state_file.unlink(missing_ok=True)
        return None

    def _start(self, path: Path, size: int, state_file: Path) -> dict[str, Any]:
        sha256 = file_sha256(path, self._on_progress)
        upload = self._retry(lambda: self._client.create_resumable_upload(path.name, size, sha256))
        self._state_dir.mkdir(parents=True, exist_ok=True)
        tmp = state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"uploadId": upload["uploadId"], "path": str(path)}), encoding="utf-8")
        os.replace(tmp, state_file)
        return upload

    def _send(self, path: Path, upload: dict[str, Any]) -> int:
        """PUT chunks from the backend's offset to the end; returns the bytes sent."""
        upload_id, size, chunk = upload["uploadId"], upload["sizeBytes"], upload["chunkBytes"]
        offset, sent, failures = upload["offset"], 0, 0
        with path.open("rb") as f:
            self._report(offset, size)
            while offset < size:
                f.seek(offset)
                data = f.read(min(chunk, size - offset))
                sent += len(data)
                try:
                    offset = self._client.send_upload_chunk(upload_id, offset, data, self._chunk_timeout_s)[
                        "offset"
                    ]
                    failures = 0
                    self._report(offset, size)
                except ApiError as exc:
                    if exc.status == 409 and "offset" in exc.extra:
                        offset = int(exc.extra["offset"])  # where the backend stands wins
                        if exc.code != "upload_busy":
                            continue
                    # After a dropped connection the next PUT asks again at the same offset: the
                    # backend answers 409 with its own offset if it kept some of the bytes.
                    failures = self._back_off(exc, failures)
        upload["offset"] = offset
        return sent

    def _complete(self, upload: dict[str, Any], state_file: Path) -> dict[str, Any]:
        """Have the backend check and take the master; an upload it found incomplete goes back to sending."""
        upload_id = upload["uploadId"]
        timeout = COMPLETE_TIMEOUT_BASE_S + upload["sizeBytes"] / COMPLETE_BYTES_PER_S
        try:
            return self._retry(lambda: self._client.complete_upload(upload_id, timeout))
        except ApiError as exc:
            if exc.status == 409 and exc.code == "upload_incomplete":
                return {**upload, "offset": int(exc.extra["offset"])}
            if exc.code == "checksum_mismatch":
                state_file.unlink(missing_ok=True)  # the backend discarded it
            raise

    def _retry(self, call: Callable[[], T]) -> T:
        failures = 0
        while True:
            try:
                return call()
            except ApiError as exc:
                failures = self._back_off(exc, failures)

    def _back_off(self, exc: ApiError, failures: int) -> int:
        """Sleep before trying again after a transient failure; re-raise anything else, or too many."""
        transient = exc.status in _RETRYABLE_STATUSES or exc.code == "upload_busy"
        if not transient or failures >= self._max_retries:
            raise exc
        time.sleep(min(self._retry_initial_s * 2**failures, self._retry_max_s))
        return failures + 1

    def _report(self, done: int, total: int) -> None:
        if self._on_progress:
            self._on_progress("upload", done, total)

    def _state_file(self, path: Path, stat: os.stat_result) -> Path:
        key = f"{self._client.base_url}\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}"
        return self._state_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def backend_reads_local_files(backend_url: str | None) -> bool:
    """True for the embedded backend (no URL) and for one on a loopback address: same machine, same files."""
    if not backend_url:
        return True
    host = urlparse(backend_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
