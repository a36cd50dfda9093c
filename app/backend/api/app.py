"""Build the FastAPI application over a :class:`Backend`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from app import __version__
from app.backend.api.errors import install_error_handlers
from app.backend.api.hot_path import HomeCacheHits
from app.backend.api.limits import BodySizeLimit
from app.backend.api.routes import (
    browse,
    catalog,
    cdn,
    content,
    events,
    media,
    playback,
    profiles,
    recommendations,
    steering,
    system,
    uploads,
)
from app.backend.services import Backend
from app.config import Settings

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, backend: Backend | None = None) -> FastAPI:
    """The ASGI app; the lifespan prepares the database and runs the background writers."""
    services = backend or Backend(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services.prepare()
        services.start()
        try:
            yield
        finally:
            services.stop()

    app = FastAPI(
        title="Marquee platform API",
        version=__version__,
        description="Catalog, search, browse, playback sessions and content intake for Marquee.",
        lifespan=lifespan,
    )
    app.state.backend = services
    api = APIRouter(prefix=API_PREFIX)
    for module in (
        system,
        content,
        uploads,
        browse,
        playback,
        steering,
        events,
        recommendations,
        cdn,
        catalog,
        profiles,
    ):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(media.router)
    app.add_middleware(BodySizeLimit, max_bytes=services.settings.max_body_bytes, exempt=_streams_chunks)
    app.add_middleware(HomeCacheHits, cache=services.home)
    install_error_handlers(app)
    return app


def _streams_chunks(method: str, path: str) -> bool:
    """Upload chunks are bounded by their upload's declared size, not by the API's small body limit."""
    return method == "PUT" and path.startswith(f"{API_PREFIX}{uploads.PREFIX}/")


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` worker processes: settings come from the environment."""
    return create_app(Settings())
