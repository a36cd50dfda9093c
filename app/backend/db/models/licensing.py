"""Licensing windows: a title may be played in a region only inside one of its windows."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.backend.db.base import Base


class LicenseWindow(Base):
    __tablename__ = "license_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(8), doc="ISO 3166 alpha-2 code, or '*' for worldwide.")
    starts_at: Mapped[float] = mapped_column(Float)
    ends_at: Mapped[float | None] = mapped_column(Float, doc="None means open-ended.")
