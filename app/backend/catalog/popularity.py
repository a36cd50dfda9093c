"""Title popularity from the event log: recent plays count more (exponential decay, 14-day half-life)."""

from __future__ import annotations

import math
import time
from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.backend.db.models import Event, Title

HALF_LIFE_S = 14 * 24 * 3600
EVENT_WEIGHTS = {"play": 1.0, "finish": 2.0, "rate": 1.0, "add_to_list": 1.5}


def refresh_popularity(session: Session, now: float | None = None) -> None:
    moment = time.time() if now is None else now
    scores: dict[str, float] = defaultdict(float)
    query = select(Event.title_id, Event.type, Event.ts).where(
        Event.title_id.is_not(None), Event.type.in_(tuple(EVENT_WEIGHTS))
    )
    for title_id, kind, ts in session.execute(query):
        age = max(0.0, moment - ts)
        scores[title_id] += EVENT_WEIGHTS[kind] * math.pow(0.5, age / HALF_LIFE_S)
    session.execute(update(Title).values(popularity=0.0))
    if scores:
        session.execute(
            update(Title),
            [{"id": title_id, "popularity": round(score, 6)} for title_id, score in scores.items()],
        )
