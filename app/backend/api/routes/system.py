"""Liveness and version information."""

from __future__ import annotations

import platform

import av
import fastapi
import sqlalchemy
from fastapi import APIRouter

from app import __version__
from app.backend.api.deps import BackendDep
from app.backend.api.schemas import HealthResponse, VersionResponse

router = APIRouter(tags=["system"])
API_VERSION = "v1"


@router.get("/health", response_model=HealthResponse, summary="200 once the backend is ready")
async def health() -> HealthResponse:
    return HealthResponse(status="ok")


@router.get("/version", response_model=VersionResponse, summary="Versions of the backend and its parts")
def version(backend: BackendDep) -> VersionResponse:
    return VersionResponse(
        version=__version__,
        api=API_VERSION,
        python=platform.python_version(),
        database=backend.database_kind(),
        schema_revision=backend.schema_revision(),
        capabilities=backend.capabilities(),
        components={
            "fastapi": fastapi.__version__,
            "sqlalchemy": sqlalchemy.__version__,
            "pyav": av.__version__,
        },
    )
