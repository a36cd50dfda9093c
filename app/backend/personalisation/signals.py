"""From the event log to the recommender's contract: one interaction per (profile, title).

A rating is the strongest statement a viewer makes, so it is the weight when present; otherwise
any watch counts as a plain watch (weight 1.0). Whether the viewer *liked* it (rated 4+, or finished
or listed it) is kept beside, for calibrating match scores. Skips are not positives. Episodes
roll up to their series, because viewers choose series, not episodes, from the home page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backend.catalog.queries import browsable
from app.backend.db.models import Episode, Event, Season, Title

POSITIVE_TYPES = ("play", "finish", "add_to_list", "progress")
LIKED_RATING = 4.0


@dataclass(frozen=True)
class Interaction:
    """The recommender contract's interaction, plus whether ``weight`` is a rating or a plain watch."""

    user_id: str
    item_id: str
    weight: float
    timestamp: int
    rated: bool = False
    liked: bool = True  # rated 4+ stars, or (unrated) finished or added to the list


@dataclass(frozen=True)
class Item:
    title: str
    genres: tuple[str, ...]
    year: int | None


def load_items(session: Session) -> dict[str, Item]:
    """Every browsable title (movies and series) with the features the recommender uses."""
    titles = session.scalars(select(Title).where(browsable()))
    return {t.id: Item(t.name, tuple(g.name for g in t.genres), t.year) for t in titles}


def series_of_episodes(session: Session) -> dict[str, str]:
    query = select(Episode.title_id, Season.series_id).join(Season, Season.id == Episode.season_id)
    return {episode: series for episode, series in session.execute(query)}


def load_interactions(session: Session, profile_id: str | None = None) -> list[Interaction]:
    """Interactions of every profile (or one), one per (profile, title), in time order of events."""
    rollup = series_of_episodes(session)
    query = select(Event.profile_id, Event.title_id, Event.type, Event.value, Event.ts).where(
        Event.title_id.is_not(None), Event.type.in_((*POSITIVE_TYPES, "rate"))
    )
    if profile_id is not None:
        query = query.where(Event.profile_id == profile_id)
    signals: dict[tuple[str, str], _Signals] = {}
    for user, title, kind, value, ts in session.execute(query.order_by(Event.ts)):
        signals.setdefault((user, rollup.get(title, title)), _Signals()).add(kind, value, ts)
    return [s.interaction(user, item) for (user, item), s in signals.items()]


class _Signals:
    """What one viewer did with one title; a later rating replaces an earlier one."""

    def __init__(self) -> None:
        self.rating: float | None = None
        self.completed = False
        self.ts = 0.0

    def add(self, kind: str, value: float | None, ts: float) -> None:
        self.ts = max(self.ts, ts)
        if kind == "rate" and value is not None:
            self.rating = float(value)
        elif kind in ("finish", "add_to_list"):
            self.completed = True

    def interaction(self, user: str, item: str) -> Interaction:
        rated = self.rating is not None
        weight = self.rating if self.rating is not None else 1.0
        liked = weight >= LIKED_RATING if rated else self.completed
        return Interaction(user, item, weight, int(self.ts), rated, liked)
