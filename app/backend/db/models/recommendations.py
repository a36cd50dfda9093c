"""The recommendation cache: each profile's ranked candidates, written by the offline pipeline."""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.backend.db.base import Base


class Recommendation(Base):
    """One row per profile: the candidates the home page's personal rows are built from.

    ``payload`` holds ``{"topPicks": [[title_id, match], ...], "because": {"anchor": id,
    "titles": [...]}, "basis": "model" | "quiz" | "popular"}`` so a request reads one row.
    """

    __tablename__ = "recommendations"

    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    payload: Mapped[dict] = mapped_column(JSON)
    model: Mapped[str] = mapped_column(String(32))
    computed_at: Mapped[float] = mapped_column(Float)
