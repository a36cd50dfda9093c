"""Who a page is for: shared rows depend only on the viewer's region and maturity limit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.backend.catalog.queries import browsable, licensed_in
from app.backend.db.models import Title


@dataclass(frozen=True)
class Audience:
    region: str
    maturity: int

    def can_browse(self) -> ColumnElement[bool]:
        """SQL condition: movies and series this audience may watch where it lives."""
        return browsable() & (Title.maturity_rating <= self.maturity) & licensed_in(self.region)

    def can_watch(self) -> ColumnElement[bool]:
        """Like :meth:`can_browse`, for any title kind (Continue Watching holds episodes too)."""
        return (Title.maturity_rating <= self.maturity) & licensed_in(self.region)

    def visible(self, session: Session, title_ids: list[str]) -> set[str]:
        if not title_ids:
            return set()
        query = select(Title.id).where(Title.id.in_(title_ids), self.can_browse())
        return set(session.scalars(query))
