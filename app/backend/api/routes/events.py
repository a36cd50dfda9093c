"""The event log's intake: batches of viewer events from players and the GUI."""

from __future__ import annotations

from fastapi import APIRouter

from app.backend.api.deps import BackendDep, DbSession
from app.backend.api.schemas import ErrorResponse, EventBatch, EventsAccepted
from app.backend.events.intake import IncomingEvent, record_events

router = APIRouter(tags=["events"])


@router.post(
    "/events",
    status_code=202,
    response_model=EventsAccepted,
    responses={422: {"model": ErrorResponse}},
    summary="Append a batch of viewer events (all or nothing)",
)
def post_events(batch: EventBatch, db: DbSession, backend: BackendDep) -> EventsAccepted:
    events = [IncomingEvent(e.profile_id, e.title_id, e.type, e.value, e.ts, e.payload) for e in batch.events]
    accepted = record_events(db, events)
    db.commit()
    backend.viewers_changed(list({e.profile_id for e in events}))  # the live re-ranker sees them next read
    return EventsAccepted(accepted=accepted)
