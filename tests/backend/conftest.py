"""Backend fixtures: the real FastAPI app over a real database, driven through TestClient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.backend.api.app import create_app
from app.backend.db.models import Title, TitleStatus
from app.backend.services import Backend
from app.config import Settings

AUTH = {"Authorization": "Bearer test-content-token"}


@pytest.fixture
def backend(settings: Settings) -> Backend:
    return Backend(settings)


@pytest.fixture
def api(backend: Backend) -> Iterator[TestClient]:
    with TestClient(create_app(backend=backend)) as client:
        yield client


def make_playable(backend: Backend, title_id: str, duration_s: float = 600.0) -> None:
    """What the studio does on publish: point the title at its package and mark it PLAYABLE."""
    with backend.sessions() as session:
        title = session.get(Title, title_id)
        assert title is not None
        title.status = TitleStatus.PLAYABLE
        title.manifest_path = f"titles/{title_id}/v1/master.m3u8"
        title.dash_manifest_path = f"titles/{title_id}/v1/manifest.mpd"
        title.duration_s = duration_s
        session.commit()
    backend.catalog_changed()
