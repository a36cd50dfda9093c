"""How ``ingest`` gets a master to a backend that cannot read the user's files: resumable upload.

The embedded backend, or one on loopback, reads the path itself (no pointless copy of a large file);
a backend elsewhere, or any backend with ``--upload``, gets the bytes by resumable upload, with the
progress on stderr. Upload state lives in the CLI's data dir, so running the command again resumes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from app.cli.job_progress import ProgressLine
from app.client.api import ApiClient
from app.client.upload import STATE_FOLDER, ProgressCallback, ResumableUploader, backend_reads_local_files
from app.config import load_settings


def master_url(args: argparse.Namespace, client: ApiClient, path: Path) -> str | None:
    """The URL to register: None to pass the local path, else the uploaded master's ``masterFileUrl``."""
    if not args.upload and backend_reads_local_files(args.backend):
        return None
    state_dir = load_settings(data_dir=getattr(args, "data", None)).data_dir / STATE_FOLDER
    line = ProgressLine(sys.stderr)
    try:
        result = ResumableUploader(client, state_dir, on_progress=_progress_view(line)).upload(path)
    finally:
        line.close()
    print(
        f"uploaded {path.name}: {result.sent_bytes} bytes sent, resumed at byte {result.resumed_from}",
        file=sys.stderr,
    )
    return result.master_file_url


def _progress_view(line: ProgressLine) -> ProgressCallback:
    """Feed hashing and upload progress to the job progress line (same look as the encoding that follows)."""
    started: dict[str, tuple[float, int]] = {}

    def show(phase: str, done: int, total: int) -> None:
        since, base = started.setdefault(phase, (time.monotonic(), done))
        elapsed, moved = time.monotonic() - since, done - base
        eta = (total - done) * elapsed / moved if moved > 0 and elapsed > 0 else None
        step = "sha-256" if phase == "hash" else "send"
        percent = 100.0 * done / total if total else 100.0
        line.show({"status": "uploading", "progress": {"step": step, "percent": percent, "etaS": eta}})

    return show
