"""Rows every viewer of an audience shares: popular, trending, top 10 in the region, new, by genre.

They are built once per audience and reused by every profile's page; each list is longer than a
row so that the composer can drop titles already shown higher up and still fill the row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.backend.db.models import Event, Genre, Profile, Title
from app.backend.db.models.catalog import title_genres
from app.backend.home.audience import Audience

LIST_LENGTH = 60
GENRE_LISTS = 20
TRENDING_WINDOW_S = 7 * 24 * 3600
PLAY_TYPES = ("play", "finish")


@dataclass
class SharedRows:
    popular: list[str] = field(default_factory=list)
    trending: list[tuple[str, int]] = field(default_factory=list)
    top_in_region: list[tuple[str, int]] = field(default_factory=list)
    new_releases: list[str] = field(default_factory=list)
    genres: list[tuple[str, list[str]]] = field(default_factory=list)


def build_shared_rows(session: Session, audience: Audience, now: float | None = None) -> SharedRows:
    since = (time.time() if now is None else now) - TRENDING_WINDOW_S
    visible = audience.can_browse()
    popular = list(
        session.scalars(
            select(Title.id).where(visible).order_by(Title.popularity.desc(), Title.id).limit(LIST_LENGTH)
        )
    )
    new = list(
        session.scalars(
            select(Title.id)
            .where(visible, Title.year.is_not(None))
            .order_by(Title.year.desc(), Title.created_at.desc(), Title.id)
            .limit(LIST_LENGTH)
        )
    )
    return SharedRows(
        popular=popular,
        trending=_plays(session, visible, since),
        top_in_region=_plays(session, visible, since, region=audience.region)[:10],
        new_releases=new,
        genres=[
            (name, _genre_titles(session, visible, genre_id))
            for genre_id, name in _top_genres(session, visible)
        ],
    )


def _plays(session: Session, visible, since: float, region: str | None = None) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    plays = select(Event.title_id, func.count().label("n")).where(
        Event.ts >= since, Event.type.in_(PLAY_TYPES)
    )
    if region is not None:
        plays = plays.join(Profile, Profile.id == Event.profile_id).where(Profile.region == region)
    counted = plays.group_by(Event.title_id).subquery()
    query = (
        select(Title.id, counted.c.n)
        .join(counted, counted.c.title_id == Title.id)
        .where(visible)
        .order_by(counted.c.n.desc(), Title.popularity.desc(), Title.id)
        .limit(LIST_LENGTH)
    )
    return [(title_id, int(n)) for title_id, n in session.execute(query)]


def _top_genres(session: Session, visible) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    query = (
        select(Genre.id, Genre.name)
        .join(title_genres, title_genres.c.genre_id == Genre.id)
        .join(Title, Title.id == title_genres.c.title_id)
        .where(visible)
        .group_by(Genre.id, Genre.name)
        .order_by(func.sum(Title.popularity).desc(), Genre.name)
        .limit(GENRE_LISTS)
    )
    return [(row.id, row.name) for row in session.execute(query)]


def _genre_titles(session: Session, visible, genre_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    in_genre = Title.id.in_(select(title_genres.c.title_id).where(title_genres.c.genre_id == genre_id))
    query = (
        select(Title.id)
        .where(visible, in_genre)
        .order_by(Title.popularity.desc(), Title.id)
        .limit(LIST_LENGTH)
    )
    return list(session.scalars(query))
