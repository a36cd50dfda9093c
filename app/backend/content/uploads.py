"""Validate an upload request and record its encoding job, creating the title when it is new.

A local master is probed here, before any job exists (PyAV decodes its start, middle and end), so a
file that can never be encoded is refused with the precise reason instead of failing minutes later.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from urllib.parse import unquote, urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backend.catalog.writes import NameRegistry, worldwide_licence
from app.backend.db.models import EncodingJob, JobStatus, Title, TitleKind, TitleStatus
from app.backend.errors import Conflict, DomainError, NotFound
from app.studio.media.errors import ProbeError
from app.studio.media.package import new_encode_id
from app.studio.media.probe import probe

ACTIVE_JOB_STATES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.PAUSED)
# Rough real-time factor of a CPU ladder encode, used only for the first estimate shown to users.
SECONDS_PER_MEGABYTE = 1.5
MIN_ESTIMATE_S = 30.0


class InvalidMaster(DomainError):
    status_code = 422
    code = "invalid_master"


def local_master_path(master_url: str) -> Path | None:
    """The local file a master URL names (``file://`` or an absolute path), or None for http(s)."""
    parsed = urlparse(master_url)
    if parsed.scheme in ("http", "https"):
        if not parsed.netloc:
            raise InvalidMaster(f"master URL {master_url!r} has no host")
        return None
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise InvalidMaster("file:// URLs must point at this machine")
        return Path(unquote(parsed.path))
    if parsed.scheme == "" and master_url.startswith("/"):
        return Path(master_url)
    raise InvalidMaster(f"master URL must be http(s)://, file:// or an absolute path, not {master_url!r}")


def check_local_master(path: Path, allow_silent: bool = False) -> int:
    """File checks, then a probe of the media; returns the size. Raises :class:`InvalidMaster`."""
    if "\x00" in str(path):
        raise InvalidMaster("master path contains a NUL byte")
    if not path.exists():
        raise InvalidMaster(f"master file {str(path)!r} does not exist", code="master_not_found")
    if not path.is_file():
        raise InvalidMaster(f"master {str(path)!r} is not a regular file", code="master_not_a_file")
    if not os.access(path, os.R_OK):
        raise InvalidMaster(f"master file {str(path)!r} is not readable", code="master_unreadable")
    size = path.stat().st_size
    if size == 0:
        raise InvalidMaster(f"master file {str(path)!r} is empty", code="master_empty")
    try:
        probe(path, allow_silent=allow_silent)
    except ProbeError as exc:
        raise InvalidMaster(
            f"master {path.name} was rejected: {exc.message}", code=f"master_{exc.code}"
        ) from exc
    return size


def create_upload_job(session: Session, title_id: str, master_url: str, metadata: dict) -> EncodingJob:
    """Add a QUEUED job for the master to the session; the caller commits (nothing on failure)."""
    path = local_master_path(master_url)
    size = check_local_master(path, bool(metadata.get("allow_silent"))) if path is not None else 0
    title = session.get(Title, title_id)
    if title is None:
        title = _new_title(session, title_id, metadata)
    busy = session.scalar(
        select(EncodingJob.id).where(
            EncodingJob.title_id == title_id, EncodingJob.status.in_(ACTIVE_JOB_STATES)
        )
    )
    if busy:
        raise Conflict(
            f"title {title_id!r} already has an active encoding job {busy}", code="job_already_active"
        )
    now = time.time()
    codecs = metadata.get("codecs") or ["h264"]
    estimate = max(MIN_ESTIMATE_S, size / 1e6 * SECONDS_PER_MEGABYTE * len(codecs))
    job = EncodingJob(
        id=uuid.uuid4().hex,
        title_id=title_id,
        master_url=str(path) if path is not None else master_url,
        status=JobStatus.QUEUED,
        options={k: metadata[k] for k in ("ladder", "codecs", "gpu", "allow_silent") if k in metadata},
        progress={"step": "queued", "percent": 0.0},
        created_at=now,
        updated_at=now,
        estimated_completion=now + estimate,
        encode_id=new_encode_id(),
    )
    session.add(job)
    if title.status != TitleStatus.PLAYABLE:
        title.status = TitleStatus.PROCESSING
    session.flush()
    return job


def _new_title(session: Session, title_id: str, metadata: dict) -> Title:
    name = metadata.get("title")
    if not name:
        raise InvalidMaster(
            f"title {title_id!r} does not exist yet: metadata.title is required",
            code="title_metadata_missing",
        )
    registry = NameRegistry(session)
    title = Title(
        id=title_id,
        kind=TitleKind.MOVIE,
        name=name,
        synopsis=metadata.get("synopsis", ""),
        year=metadata.get("year"),
        maturity_rating=metadata.get("maturity_rating", 0),
        status=TitleStatus.DRAFT,
        genres=registry.genres(metadata.get("genres", [])),
    )
    session.add(title)
    session.flush()  # the licence row references the title
    session.add(worldwide_licence(title_id, time.time()))
    return title


def get_job(session: Session, job_id: str) -> EncodingJob:
    job = session.get(EncodingJob, job_id)
    if job is None:
        raise NotFound(f"encoding job {job_id!r} does not exist", code="job_not_found")
    return job


def list_jobs(session: Session, limit: int = 100) -> list[EncodingJob]:
    return list(session.scalars(select(EncodingJob).order_by(EncodingJob.created_at.desc()).limit(limit)))
