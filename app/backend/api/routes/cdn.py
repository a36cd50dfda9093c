"""Operate the CDN: pre-position predicted popular titles now (it also runs off-peak every night)."""

from __future__ import annotations

from fastapi import APIRouter

from app.backend.api.deps import BackendDep, ContentToken
from app.backend.api.schemas import ErrorResponse, PrepositionResult

router = APIRouter(prefix="/cdn", tags=["cdn"], dependencies=[ContentToken])


@router.post(
    "/preposition",
    response_model=PrepositionResult,
    responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 409: {"model": ErrorResponse}},
    summary="Push tomorrow's predicted popular titles to the edges now",
)
def preposition(backend: BackendDep) -> PrepositionResult:
    report = backend.delivery.preposition()
    return PrepositionResult(
        regions=report.regions,
        edge_objects=report.edge_objects,
        hub_objects=report.hub_objects,
        bytes=report.bytes,
    )
