"""Resumable uploads of masters: how many bytes of each are durably on disk, and where the master went.

The row, not the partial file, is the truth about progress: a byte counts as received only once it
was fsynced and this row says so, which lets several API workers over shared storage agree.
"""

from __future__ import annotations

import enum

from sqlalchemy import BigInteger, Enum, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from app.backend.db.base import Base, now_s


class UploadStatus(enum.StrEnum):
    OPEN = "OPEN"
    COMPLETE = "COMPLETE"


class ResumableUpload(Base):
    __tablename__ = "resumable_uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), doc="The client's file name, sanitised; display only.")
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    received_bytes: Mapped[int] = mapped_column(
        BigInteger, default=0, doc="The acknowledged offset: bytes fsynced to the partial file."
    )
    status: Mapped[UploadStatus] = mapped_column(
        Enum(UploadStatus, native_enum=False, length=16), default=UploadStatus.OPEN
    )
    master_path: Mapped[str | None] = mapped_column(String(2000), doc="Set once the upload is complete.")
    created_at: Mapped[float] = mapped_column(Float, default=now_s)
    updated_at: Mapped[float] = mapped_column(Float, default=now_s)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
