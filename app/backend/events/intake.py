"""Validate a batch of viewer events and append it to the log, all or nothing.

The recommender learns from this log, so bad rows are refused outright (with the index of the
first offending event) instead of being silently dropped or half-written.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.backend.db.models import Event, Profile, Title
from app.backend.errors import DomainError

EVENT_TYPES = ("play", "pause", "progress", "finish", "skip", "rate", "add_to_list", "search_click")
# Clocks drift; a few minutes ahead is tolerated, anything later is a client bug or a forgery.
MAX_CLOCK_SKEW_S = 300.0
EARLIEST_TS = 946_684_800.0  # 2000-01-01: older timestamps are corrupt, not history


class InvalidEvent(DomainError):
    status_code = 422
    code = "invalid_event"


@dataclass(frozen=True)
class IncomingEvent:
    profile_id: str
    title_id: str | None
    type: str
    value: float | None
    ts: float | None
    payload: dict[str, Any] | None


def record_events(session: Session, events: Sequence[IncomingEvent], now: float | None = None) -> int:
    """Append the batch in one transaction (the caller commits); returns how many were stored."""
    moment = time.time() if now is None else now
    profiles = {e.profile_id for e in events}
    titles = {e.title_id for e in events if e.title_id}
    known_profiles = set(session.scalars(select(Profile.id).where(Profile.id.in_(profiles))))
    known_titles = set(session.scalars(select(Title.id).where(Title.id.in_(titles)))) if titles else set()
    rows = []
    for index, event in enumerate(events):
        _check(index, event, moment, known_profiles, known_titles)
        rows.append(
            {
                "profile_id": event.profile_id,
                "title_id": event.title_id,
                "type": event.type,
                "value": event.value,
                "ts": event.ts if event.ts is not None else moment,
                "payload": event.payload,
            }
        )
    if rows:
        session.execute(insert(Event), rows)
    return len(rows)


def _check(index: int, event: IncomingEvent, now: float, profiles: set[str], titles: set[str]) -> None:
    where = f"events[{index}]"
    if event.profile_id not in profiles:
        raise InvalidEvent(f"{where}: unknown profile {event.profile_id!r}", code="unknown_profile")
    if event.title_id is not None and event.title_id not in titles:
        raise InvalidEvent(f"{where}: unknown title {event.title_id!r}", code="unknown_title")
    if event.title_id is None and event.type != "search_click":
        raise InvalidEvent(f"{where}: a {event.type} event needs a titleId")
    if event.ts is not None and not EARLIEST_TS <= event.ts <= now + MAX_CLOCK_SKEW_S:
        raise InvalidEvent(
            f"{where}: timestamp {event.ts:.0f} is in the future or before 2000", code="bad_timestamp"
        )
    if event.type == "rate" and (event.value is None or not 0.5 <= event.value <= 5.0):
        raise InvalidEvent(f"{where}: a rating needs a value from 0.5 to 5")
    if event.type == "progress" and (event.value is None or event.value < 0):
        raise InvalidEvent(f"{where}: a progress event needs a position in seconds")
