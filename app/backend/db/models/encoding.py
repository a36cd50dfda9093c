"""Encoding jobs (one per uploaded master), their progress parts, and the renditions an encode produced."""

from __future__ import annotations

import enum

from sqlalchemy import JSON, Enum, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.backend.db.base import Base, now_s


class JobStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    NEEDS_REVIEW = "NEEDS_REVIEW"
    CANCELLED = "CANCELLED"


class EncodingJob(Base):
    __tablename__ = "encoding_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    master_url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=16), default=JobStatus.QUEUED, index=True
    )
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    progress: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[float] = mapped_column(Float, default=now_s)
    updated_at: Mapped[float] = mapped_column(Float, default=now_s)
    estimated_completion: Mapped[float | None] = mapped_column(Float)
    encode_id: Mapped[str | None] = mapped_column(
        String(64), doc="The immutable package path this job writes (titles/<title>/<encode>)."
    )


class JobProgress(Base):
    """One part of a job's progress (a step, a rung, a note), written only by the activity that owns it.

    Parallel activities each update their own row, so none overwrites another's progress; the API
    summarises the rows (see :func:`app.studio.workflow.progress.summarise`).
    """

    __tablename__ = "encoding_job_progress"

    job_id: Mapped[str] = mapped_column(ForeignKey("encoding_jobs.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[float] = mapped_column(Float, default=now_s)


class Rendition(Base):
    """One rung × codec of a published encode, with its playlist path under the media root."""

    __tablename__ = "renditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("encoding_jobs.id", ondelete="CASCADE"), index=True)
    title_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8), doc="video or audio")
    codec: Mapped[str] = mapped_column(String(16))
    codec_string: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    bitrate_kbps: Mapped[int] = mapped_column(Integer)
    peak_bitrate_kbps: Mapped[int] = mapped_column(Integer, default=0)
    playlist_path: Mapped[str] = mapped_column(String(500))
