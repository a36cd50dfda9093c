"""The home page: rows of titles for a profile, served from a cache of pre-serialised JSON bytes.

The home page is the hottest endpoint, so a request is a dictionary lookup: the rows depend only on
the profile's region and maturity limit (personal rows arrive with the recommender), each key is
built once and kept as ready-to-send bytes until it expires or the catalog changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.backend.catalog.queries import get_profile, licensed_in, poster_url
from app.backend.db.models import Event, Genre, Title, TitleKind, TitleStatus
from app.backend.db.models.catalog import title_genres

ROW_LENGTH = 20
GENRE_ROWS = 8
TRENDING_WINDOW_S = 7 * 24 * 3600


@dataclass(frozen=True)
class Audience:
    """What the shared home rows depend on."""

    region: str
    maturity: int


class HomeRowsBuilder:
    """Builds the non-personal rows for an audience straight from the catalog."""

    def __init__(self, session: Session, audience: Audience) -> None:
        self._session = session
        self._audience = audience
        self._shown: set[str] = set()
        self._max_popularity = 1.0

    def build(self) -> dict:
        top = self._session.scalar(select(func.max(Title.popularity)).where(self._visible()))
        self._max_popularity = max(float(top or 0.0), 1e-9)
        rows = [
            self._row("Popular on Marquee", self._ranked(order=Title.popularity.desc())),
            self._row("Trending Now", self._trending()),
            self._row("New Releases", self._ranked(order=(Title.year.desc(), Title.popularity.desc()))),
        ]
        rows += [self._row(name, self._genre(genre_id)) for genre_id, name in self._top_genres()]
        return {"rows": [row for row in rows if row["titles"]]}

    def _visible(self):  # type: ignore[no-untyped-def]
        """Browsable titles: movies and series this audience may watch where it lives."""
        return (
            Title.kind.in_((TitleKind.MOVIE, TitleKind.SERIES))
            & (Title.maturity_rating <= self._audience.maturity)
            & licensed_in(self._audience.region)
        )

    def _ranked(self, order, extra=None) -> list[Title]:  # type: ignore[no-untyped-def]
        query = select(Title).where(self._visible())
        if extra is not None:
            query = query.where(extra)
        if self._shown:
            query = query.where(Title.id.not_in(self._shown))
        order = order if isinstance(order, tuple) else (order,)
        return list(self._session.scalars(query.order_by(*order, Title.id).limit(ROW_LENGTH)))

    def _trending(self) -> list[Title]:
        since = time.time() - TRENDING_WINDOW_S
        plays = (
            select(Event.title_id, func.count().label("n"))
            .where(Event.ts >= since, Event.type.in_(("play", "finish")))
            .group_by(Event.title_id)
            .subquery()
        )
        query = select(Title).join(plays, plays.c.title_id == Title.id).where(self._visible())
        if self._shown:
            query = query.where(Title.id.not_in(self._shown))
        return list(self._session.scalars(query.order_by(plays.c.n.desc(), Title.id).limit(ROW_LENGTH)))

    def _top_genres(self) -> list[tuple[int, str]]:
        query = (
            select(Genre.id, Genre.name)
            .join(title_genres, title_genres.c.genre_id == Genre.id)
            .join(Title, Title.id == title_genres.c.title_id)
            .where(self._visible())
            .group_by(Genre.id, Genre.name)
            .order_by(func.sum(Title.popularity).desc(), Genre.name)
            .limit(GENRE_ROWS)
        )
        return [(row.id, row.name) for row in self._session.execute(query)]

    def _genre(self, genre_id: int) -> list[Title]:
        in_genre = Title.id.in_(select(title_genres.c.title_id).where(title_genres.c.genre_id == genre_id))
        return self._ranked(order=Title.popularity.desc(), extra=in_genre)

    def _row(self, name: str, titles: list[Title]) -> dict:
        self._shown.update(t.id for t in titles)
        return {"rowTitle": name, "titles": [self._card(t) for t in titles]}

    def _card(self, title: Title) -> dict:
        # Until the recommender scores titles per profile, the match is the title's relative popularity.
        score = 50 + round(49 * min(1.0, title.popularity / self._max_popularity))
        return {
            "titleId": title.id,
            "title": title.name,
            "thumbnail": poster_url(title.id),
            "matchScore": score,
            "playable": title.status == TitleStatus.PLAYABLE,
        }


class HomeCache:
    """Pre-serialised home pages per audience, rebuilt after ``ttl_s`` or a catalog change."""

    def __init__(
        self, sessions: sessionmaker[Session], ttl_s: float, clock: Callable[[], float] = time.monotonic
    ):
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._clock = clock
        self._pages: dict[Audience, tuple[float, bytes]] = {}
        self._audiences: dict[str, Audience] = {}
        self._lock = threading.Lock()

    def cached_page(self, profile_id: str) -> bytes | None:
        """The fresh cached page for a known profile, or None; never touches the database."""
        audience = self._audiences.get(profile_id)
        cached = self._pages.get(audience) if audience is not None else None
        if cached is not None and self._clock() - cached[0] < self._ttl_s:
            return cached[1]
        return None

    def page_for(self, profile_id: str) -> bytes:
        hit = self.cached_page(profile_id)
        if hit is not None:
            return hit
        audience = self._audiences.get(profile_id) or self._load_audience(profile_id)
        with self._lock:  # one builder per expiry, the other requests wait for its bytes
            cached = self._pages.get(audience)
            if cached is not None and self._clock() - cached[0] < self._ttl_s:
                return cached[1]
            with self._sessions() as session:
                body = orjson.dumps(HomeRowsBuilder(session, audience).build())
            self._pages[audience] = (self._clock(), body)
            return body

    def invalidate(self) -> None:
        """Forget everything: call after catalog or profile writes."""
        self._pages = {}
        self._audiences = {}

    def _load_audience(self, profile_id: str) -> Audience:
        with self._sessions() as session:
            profile = get_profile(session, profile_id)
            audience = Audience(region=profile.region, maturity=profile.maturity)
        self._audiences[profile_id] = audience
        return audience
