"""Playback sessions and per-profile watch progress (the resume position)."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.backend.db.base import Base, now_s


class SessionState(enum.StrEnum):
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"
    ABANDONED = "ABANDONED"


class PlaybackSession(Base):
    __tablename__ = "playback_sessions"
    __table_args__ = (Index("ix_playback_sessions_state_heartbeat", "state", "last_heartbeat_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    title_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), index=True)
    device_type: Mapped[str] = mapped_column(String(32))
    preferred_quality: Mapped[str] = mapped_column(String(16), default="auto")
    state: Mapped[SessionState] = mapped_column(
        Enum(SessionState, native_enum=False, length=16), default=SessionState.ACTIVE
    )
    started_at: Mapped[float] = mapped_column(Float, default=now_s)
    last_heartbeat_at: Mapped[float] = mapped_column(Float, default=now_s)
    position_s: Mapped[float] = mapped_column(Float, default=0.0)
    bitrate_kbps: Mapped[int] = mapped_column(Integer, default=0)
    buffer_s: Mapped[float] = mapped_column(Float, default=0.0)
    heartbeat_count: Mapped[int] = mapped_column(Integer, default=0)


class WatchProgress(Base):
    __tablename__ = "watch_progress"

    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    title_id: Mapped[str] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True)
    position_s: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[float] = mapped_column(Float, default=now_s, index=True)
