"""Real-time re-ranking: the last 30 minutes of a profile's events shift its genre preferences.

The offline model is refitted every few hours; a viewer who just finished a horror film should see
horror rise now. Recent events turn into per-genre boosts that the home page composer applies to
cached candidates, with no refit.
"""

from __future__ import annotations

import time
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backend.db.models import Event, Genre, Title
from app.backend.db.models.catalog import title_genres

WINDOW_S = 30 * 60
# How much one recent event says about a genre: finishing or loving it counts most, a skip against.
EVENT_SIGNAL = {"finish": 1.0, "add_to_list": 0.6, "play": 0.3, "skip": -0.7}
RATING_SIGNAL = {True: 1.0, False: -0.8}
MAX_BOOST = 1.0


def recent_genre_boosts(session: Session, profile_id: str, now: float | None = None) -> dict[str, float]:
    """Genre → boost in [-MAX_BOOST, MAX_BOOST] from this profile's events in the last 30 minutes."""
    since = (time.time() if now is None else now) - WINDOW_S
    query = (
        select(Event.type, Event.value, Genre.name)
        .join(Title, Title.id == Event.title_id)
        .join(title_genres, title_genres.c.title_id == Title.id)
        .join(Genre, Genre.id == title_genres.c.genre_id)
        .where(Event.profile_id == profile_id, Event.ts >= since)
    )
    boosts: Counter[str] = Counter()
    for kind, value, genre in session.execute(query):
        if kind == "rate" and value is not None:
            boosts[genre] += RATING_SIGNAL[value >= 4.0]
        else:
            boosts[genre] += EVENT_SIGNAL.get(kind, 0.0)
    return {g: max(-MAX_BOOST, min(MAX_BOOST, b / 2)) for g, b in boosts.items() if b}


def boosted(score: float, genres: tuple[str, ...] | list[str], boosts: dict[str, float]) -> float:
    """A candidate's score after the recent boosts of its genres (the strongest one counts)."""
    if not boosts or not genres:
        return score
    strongest = max((boosts.get(g, 0.0) for g in genres), key=abs)
    return score * (1.0 + strongest)
