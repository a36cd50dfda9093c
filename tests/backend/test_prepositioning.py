"""Pre-positioning: predicted hits land on every edge, rarely watched rungs stay at the hub."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.backend.api.app import create_app
from app.backend.db.models import Event, PlaybackSession, Rendition, Title, TitleStatus
from app.backend.delivery.prepositioning import predict_titles, split_renditions
from app.backend.delivery.service import seconds_until_hour
from app.backend.services import Backend
from app.config import Settings

from .conftest import AUTH


def test_the_off_peak_hour_is_always_ahead() -> None:
    assert seconds_until_hour(4, datetime(2026, 1, 1, 3, 30)) == 1800
    assert seconds_until_hour(4, datetime(2026, 1, 1, 4, 0)) == 24 * 3600
    assert seconds_until_hour(4, datetime(2026, 1, 1, 23, 0)) == 5 * 3600


@pytest.fixture
def cdn_with_demo(sqlite_settings: Settings) -> Iterator[tuple[TestClient, Backend, str]]:
    backend = Backend(sqlite_settings.model_copy(update={"cdn_edges": 2, "demo_playable": 2}))
    with TestClient(create_app(backend=backend)) as api:
        deadline = time.monotonic() + 180
        while len(playable := _playable(backend)) < 2:
            assert time.monotonic() < deadline, "demo titles were not published"
            time.sleep(0.2)
        yield api, backend, playable[0]


def _playable(backend: Backend) -> list[str]:
    with backend.sessions() as session:
        return list(
            session.scalars(select(Title.id).where(Title.status == TitleStatus.PLAYABLE).order_by(Title.id))
        )


@pytest.mark.slow
def test_popular_rungs_go_to_edges_and_the_rest_stays_at_the_hub(cdn_with_demo) -> None:
    api, backend, hit = cdn_with_demo
    with backend.sessions() as session:
        middle = sorted(
            session.scalars(select(Rendition).where(Rendition.title_id == hit, Rendition.kind == "video")),
            key=lambda r: r.bitrate_kbps,
        )[1]
        now = time.time()
        for n in range(4):  # US viewers watched the hit yesterday, at its middle rung
            session.add(Event(profile_id="alex", title_id=hit, type="play", ts=now - 3600 * (n + 1)))
            session.add(
                PlaybackSession(
                    id=f"s{n}",
                    profile_id="alex",
                    title_id=hit,
                    device_type="desktop",
                    bitrate_kbps=middle.bitrate_kbps,
                )
            )
        session.commit()
        assert predict_titles(session, "US", 1)[0] == hit
        for_edges, for_hub = split_renditions(session, hit)
    assert middle.id in {r.id for r in for_edges} and any(r.kind == "audio" for r in for_edges)
    assert for_hub and middle.id not in {r.id for r in for_hub}

    assert api.post("/api/v1/cdn/preposition").status_code == 401
    report = api.post("/api/v1/cdn/preposition", headers=AUTH).json()
    assert hit in report["regions"]["US"] and report["edgeObjects"] > 0 and report["hubObjects"] > 0
    network = backend.delivery.network
    assert network is not None
    hub_only = for_hub[0].playlist_path.rsplit("/", 1)[0] + "/"
    on_edges = middle.playlist_path.rsplit("/", 1)[0] + "/"
    for edge in network.edge_urls:
        assert httpx.get(f"{edge}/has", params={"prefix": on_edges}).json()["held"]
        assert not httpx.get(f"{edge}/has", params={"prefix": hub_only}).json()["held"]
    assert httpx.get(f"{network.hub.url}/has", params={"prefix": hub_only}).json()["held"]


def test_without_a_cdn_there_is_nothing_to_pre_position(sqlite_settings: Settings) -> None:
    with TestClient(create_app(backend=Backend(sqlite_settings))) as api:
        response = api.post("/api/v1/cdn/preposition", headers=AUTH)
    assert response.status_code == 409 and response.json()["error"]["code"] == "no_cdn"
