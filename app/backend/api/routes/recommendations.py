"""Run the recommendation pipeline on demand (operators; it also runs on its own schedule)."""

from __future__ import annotations

from fastapi import APIRouter

from app.backend.api.deps import BackendDep, ContentToken
from app.backend.api.schemas import ErrorResponse, RefreshQueued

router = APIRouter(prefix="/recommendations", tags=["recommendations"], dependencies=[ContentToken])


@router.post(
    "/refresh",
    status_code=202,
    response_model=RefreshQueued,
    responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}},
    summary="Refit the recommender and recompute every profile's rows in the background",
)
def refresh(backend: BackendDep) -> RefreshQueued:
    backend.recommendations.schedule_all()
    return RefreshQueued(queued=True)
