"""Read-side catalog queries shared by browse, search, titles and playback."""

from __future__ import annotations

import time

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from app.backend.db.models import LicenseWindow, Profile, Title, TitleKind
from app.backend.errors import NotFound


def browsable() -> ColumnElement[bool]:
    """Titles viewers browse and pick: movies and series (episodes are reached through their series)."""
    return Title.kind.in_((TitleKind.MOVIE, TitleKind.SERIES))


def get_title(session: Session, title_id: str) -> Title:
    title = session.get(Title, title_id)
    if title is None:
        raise NotFound(f"title {title_id!r} does not exist", code="title_not_found")
    return title


def get_profile(session: Session, profile_id: str) -> Profile:
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise NotFound(f"profile {profile_id!r} does not exist", code="profile_not_found")
    return profile


def licensed_in(region: str, at: float | None = None):  # type: ignore[no-untyped-def]
    """SQL condition: the title has a licence window covering ``region`` at time ``at``."""
    moment = time.time() if at is None else at
    return (
        select(LicenseWindow.id)
        .where(
            LicenseWindow.title_id == Title.id,
            LicenseWindow.region.in_((region, "*")),
            LicenseWindow.starts_at <= moment,
            or_(LicenseWindow.ends_at.is_(None), LicenseWindow.ends_at > moment),
        )
        .exists()
    )


def is_licensed(session: Session, title_id: str, region: str) -> bool:
    query = select(Title.id).where(Title.id == title_id, licensed_in(region))
    return session.scalar(query) is not None


def poster_url(title_id: str) -> str:
    return f"/api/v1/titles/{title_id}/poster.png"
