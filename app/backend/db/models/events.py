"""Append-only viewer event log (play, pause, progress, finish, skip, rate, add-to-list, search-click)."""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.backend.db.base import Base


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_profile_ts", "profile_id", "ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    title_id: Mapped[str | None] = mapped_column(ForeignKey("titles.id", ondelete="SET NULL"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    value: Mapped[float | None] = mapped_column(Float, doc="Rating stars, position seconds, … by type.")
    ts: Mapped[float] = mapped_column(Float)
    payload: Mapped[dict | None] = mapped_column(JSON)
