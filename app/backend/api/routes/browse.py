"""The home page, served as cached pre-serialised bytes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.backend.api.deps import BackendDep
from app.backend.api.schemas import ErrorResponse, HomeResponse
from app.backend.catalog.ids import ID_PATTERN

router = APIRouter(prefix="/browse", tags=["browse"])


@router.get(
    "/home",
    response_model=HomeResponse,
    responses={404: {"model": ErrorResponse}},
    summary="Rows of titles for a profile",
)
async def home(
    backend: BackendDep, profile_id: Annotated[str, Query(alias="profileId", pattern=ID_PATTERN)]
) -> Response:
    return Response(content=backend.home.page_for(profile_id), media_type="application/json")
