"""Playback sessions: start (entitlement + resume), heartbeats (batched), stop, and the licence."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Path, Request

from app.backend.api.deps import BackendDep, DbSession
from app.backend.api.edges import edge_choices
from app.backend.api.schemas import (
    EntityId,
    ErrorResponse,
    HeartbeatRequest,
    HeartbeatResponse,
    LicenseResponse,
    PlaybackStartRequest,
    PlaybackStartResponse,
    PlaybackStopRequest,
)
from app.backend.catalog.ids import ID_PATTERN
from app.backend.playback.heartbeats import Heartbeat
from app.backend.playback.sessions import LICENSE_LIFETIME_S, end_session, get_session, start_session
from app.backend.services import Backend

router = APIRouter(prefix="/playback", tags=["playback"])
_NOT_FOUND = {404: {"model": ErrorResponse}}


@router.post(
    "/start",
    response_model=PlaybackStartResponse,
    responses={**_NOT_FOUND, 403: {"model": ErrorResponse}, 409: {"model": ErrorResponse}},
    summary="Open a playback session after entitlement checks",
)
def start(
    body: PlaybackStartRequest, db: DbSession, backend: BackendDep, request: Request
) -> PlaybackStartResponse:
    started = start_session(db, body.title_id, body.profile_id, body.device_type, body.preferred_quality)
    backend.directory.remember(started.session_id, body.profile_id, body.title_id)
    base = str(request.base_url).rstrip("/")
    edges = edge_choices(backend, started.session_id, started.manifest_path, started.dash_manifest_path, base)
    return PlaybackStartResponse(
        session_id=started.session_id,
        manifest_url=edges[0].manifest_url,
        dash_manifest_url=edges[0].dash_manifest_url,
        license_url=f"{base}/api/v1/playback/license/{started.session_id}",
        resume_position=started.resume_position,
        edges=edges,
        steering_url=f"{base}/api/v1/steering/{started.session_id}",
    )


@router.post(
    "/heartbeat", response_model=HeartbeatResponse, responses=_NOT_FOUND, summary="Report playback position"
)
def heartbeat(body: HeartbeatRequest, backend: BackendDep) -> HeartbeatResponse:
    return HeartbeatResponse(continue_=_record(backend, body))


@router.post(
    "/stop", response_model=HeartbeatResponse, responses=_NOT_FOUND, summary="End a playback session"
)
def stop(body: PlaybackStopRequest, backend: BackendDep, db: DbSession) -> HeartbeatResponse:
    _record(backend, body)
    backend.heartbeats.flush()
    end_session(db, body.session_id, body.qoe.model_dump(by_alias=True) if body.qoe else None)
    backend.directory.mark_inactive([body.session_id])
    backend.viewers_changed([backend.directory.lookup(body.session_id).profile_id])  # Continue Watching
    return HeartbeatResponse(continue_=False)


@router.get(
    "/license/{session_id}", response_model=LicenseResponse, responses=_NOT_FOUND, summary="Playback licence"
)
def license_for(session_id: Annotated[EntityId, Path(pattern=ID_PATTERN)], db: DbSession) -> LicenseResponse:
    playback = get_session(db, session_id)
    return LicenseResponse(
        session_id=playback.id,
        title_id=playback.title_id,
        protection="clear",
        expires_at=playback.started_at + LICENSE_LIFETIME_S,
    )


def _record(backend: Backend, body: HeartbeatRequest) -> bool:
    """Queue the heartbeat for the next batch write; returns whether playback may continue."""
    info = backend.directory.lookup(body.session_id)
    if not info.active:
        return False
    backend.heartbeats.add(
        Heartbeat(
            session_id=body.session_id,
            profile_id=info.profile_id,
            title_id=info.title_id,
            position_s=body.current_position,
            bitrate_kbps=body.current_bitrate,
            buffer_s=body.buffer_health,
            at=time.time(),
        )
    )
    return True
