"""Queries tests use to pick demo titles with given properties instead of hard-coding ids."""

from __future__ import annotations

import time

from sqlalchemy import select

from app.backend.catalog.queries import licensed_in
from app.backend.db.models import LicenseWindow, Title, TitleKind
from app.backend.services import Backend


def movie_ids(
    backend: Backend, *, region: str = "US", max_maturity: int = 18, licensed: bool = True
) -> list[str]:
    condition = licensed_in(region) if licensed else ~licensed_in(region)
    with backend.sessions() as session:
        return list(
            session.scalars(
                select(Title.id)
                .where(Title.kind == TitleKind.MOVIE, Title.maturity_rating <= max_maturity, condition)
                .order_by(Title.id)
            )
        )


def adult_movie(backend: Backend) -> str:
    with backend.sessions() as session:
        title_id = session.scalar(
            select(Title.id)
            .where(Title.kind == TitleKind.MOVIE, Title.maturity_rating >= 16)
            .order_by(Title.id)
        )
    assert title_id is not None
    return title_id


def restrict_to_region(backend: Backend, title_id: str, region: str) -> None:
    with backend.sessions() as session:
        for window in session.scalars(select(LicenseWindow).where(LicenseWindow.title_id == title_id)):
            session.delete(window)
        session.add(LicenseWindow(title_id=title_id, region=region, starts_at=time.time() - 10, ends_at=None))
        session.commit()
    backend.catalog_changed()
