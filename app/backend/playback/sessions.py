"""Starting and stopping playback sessions, with the entitlement checks a start needs."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.backend.catalog.queries import get_profile, get_title, is_licensed
from app.backend.db.models import Event, PlaybackSession, SessionState, Title, TitleStatus, WatchProgress
from app.backend.errors import Conflict, Forbidden, NotFound

# A title watched past this fraction starts again from the beginning next time.
FINISHED_FRACTION = 0.95
LICENSE_LIFETIME_S = 6 * 3600
QOE_EVENT = "qoe"


@dataclass(frozen=True)
class StartedSession:
    session_id: str
    title_id: str
    manifest_path: str
    dash_manifest_path: str | None
    resume_position: float


def start_session(
    session: Session, title_id: str, profile_id: str, device_type: str, preferred_quality: str
) -> StartedSession:
    """Check that the profile may watch the title here and now, then open a session."""
    title = get_title(session, title_id)
    profile = get_profile(session, profile_id)
    if title.status != TitleStatus.PLAYABLE or not title.manifest_path:
        raise Conflict(
            f"title {title_id!r} is not playable (status {title.status})", code="title_not_playable"
        )
    if title.maturity_rating > profile.maturity:
        raise Forbidden(
            f"title is rated {title.maturity_rating}+, above this profile's limit of {profile.maturity}",
            code="maturity_restricted",
        )
    if not is_licensed(session, title_id, profile.region):
        raise Forbidden(f"title is not licensed in region {profile.region}", code="not_licensed_in_region")
    resume = resume_position(session, profile_id, title)
    playback = PlaybackSession(
        id=uuid.uuid4().hex,
        profile_id=profile_id,
        title_id=title_id,
        device_type=device_type,
        preferred_quality=preferred_quality,
        position_s=resume,
    )
    session.add(playback)
    session.commit()
    return StartedSession(playback.id, title_id, title.manifest_path, title.dash_manifest_path, resume)


def resume_position(session: Session, profile_id: str, title: Title) -> float:
    """Where this profile left the title: 0 when never started or (nearly) finished."""
    progress = session.get(WatchProgress, (profile_id, title.id))
    if progress is None:
        return 0.0
    if title.duration_s > 0 and progress.position_s >= FINISHED_FRACTION * title.duration_s:
        return 0.0
    return progress.position_s


def get_session(session: Session, session_id: str) -> PlaybackSession:
    playback = session.get(PlaybackSession, session_id)
    if playback is None:
        raise NotFound(f"playback session {session_id!r} does not exist", code="session_not_found")
    return playback


def end_session(session: Session, session_id: str, qoe: dict[str, object] | None = None) -> None:
    """Close the session; the player's QoE report goes to the event log (type ``qoe``) for analysis."""
    if qoe is not None:
        playback = get_session(session, session_id)
        session.add(
            Event(
                profile_id=playback.profile_id,
                title_id=playback.title_id,
                type=QOE_EVENT,
                value=float(qoe["qoe"]),  # type: ignore[arg-type]
                ts=time.time(),
                payload={"sessionId": session_id, **qoe},
            )
        )
    session.execute(
        update(PlaybackSession)
        .where(PlaybackSession.id == session_id, PlaybackSession.state == SessionState.ACTIVE)
        .values(state=SessionState.ENDED)
    )
    session.commit()


def abandon_stale_sessions(session: Session, older_than_s: float, now: float | None = None) -> list[str]:
    """Mark sessions with no heartbeat for ``older_than_s`` as ABANDONED; returns their ids."""
    cutoff = (time.time() if now is None else now) - older_than_s
    stale = (PlaybackSession.state == SessionState.ACTIVE) & (PlaybackSession.last_heartbeat_at < cutoff)
    ids = list(session.scalars(select(PlaybackSession.id).where(stale)))
    if ids:
        session.execute(
            update(PlaybackSession)
            .where(PlaybackSession.id.in_(ids), PlaybackSession.state == SessionState.ACTIVE)
            .values(state=SessionState.ABANDONED)
        )
    session.commit()
    return ids
