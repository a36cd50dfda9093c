"""The steering endpoint players poll: this session's edges, best first, with fresh signed URLs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from app.backend.api.deps import BackendDep, DbSession
from app.backend.api.edges import edge_choices
from app.backend.api.schemas import EntityId, ErrorResponse, SteeringResponse
from app.backend.catalog.ids import ID_PATTERN
from app.backend.catalog.queries import get_title
from app.backend.errors import Conflict
from app.backend.playback.sessions import get_session

router = APIRouter(tags=["playback"])
STEERING_TTL_S = 30


@router.get(
    "/steering/{session_id}",
    response_model=SteeringResponse,
    responses={404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}},
    summary="Edge ranking for a playback session (content steering)",
)
def steering(
    session_id: Annotated[EntityId, Path(pattern=ID_PATTERN)],
    db: DbSession,
    backend: BackendDep,
    request: Request,
) -> SteeringResponse:
    playback = get_session(db, session_id)
    title = get_title(db, playback.title_id)
    if not title.manifest_path:
        raise Conflict("the session's title is no longer published", code="title_not_playable")
    base = str(request.base_url).rstrip("/")
    edges = edge_choices(backend, session_id, title.manifest_path, title.dash_manifest_path, base)
    return SteeringResponse(
        version=1, ttl=STEERING_TTL_S, pathway_priority=[e.edge for e in edges], edges=edges
    )
