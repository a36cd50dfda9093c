"""Profiles and their cold-start tastes: creating a profile, the genre quiz."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.backend.catalog.queries import get_profile
from app.backend.db.models import Account, Genre, Profile
from app.backend.db.models.catalog import title_genres
from app.backend.errors import DomainError


class UnknownGenre(DomainError):
    status_code = 422
    code = "unknown_genre"


def create_profile(session: Session, name: str, maturity: int, region: str, account_id: str) -> Profile:
    """Add a profile to an account (created on first use: accounts only group profiles here)."""
    if session.get(Account, account_id) is None:
        session.add(Account(id=account_id, name=account_id))
        session.flush()
    profile = Profile(
        id=f"p-{uuid.uuid4().hex[:12]}",
        account_id=account_id,
        name=name,
        maturity=maturity,
        region=region,
        taste_genres=[],
    )
    session.add(profile)
    return profile


def genres_with_counts(session: Session) -> list[tuple[str, int]]:
    query = (
        select(Genre.name, func.count(title_genres.c.title_id))
        .join(title_genres, title_genres.c.genre_id == Genre.id)
        .group_by(Genre.name)
        .order_by(func.count(title_genres.c.title_id).desc(), Genre.name)
    )
    return [(name, int(count)) for name, count in session.execute(query)]


def set_tastes(session: Session, profile_id: str, genres: list[str]) -> list[str]:
    """Store quiz answers under the catalog's own genre names (matched case-insensitively)."""
    profile = get_profile(session, profile_id)
    known = {name.lower(): name for name in session.scalars(select(Genre.name))}
    unknown = [g for g in genres if g.lower() not in known]
    if unknown:
        raise UnknownGenre(f"unknown genres: {', '.join(unknown)}")
    profile.taste_genres = list(dict.fromkeys(known[g.lower()] for g in genres))
    return profile.taste_genres
