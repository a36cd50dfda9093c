"""Playback through the embedded CDN: signed, steered edge URLs that real edge processes honour."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from app.backend.api.app import create_app
from app.backend.services import Backend
from app.config import Settings

from .conftest import AUTH, make_playable
from .helpers import movie_ids

pytestmark = pytest.mark.slow


@pytest.fixture
def cdn_api(sqlite_settings: Settings) -> Iterator[tuple[TestClient, Backend]]:
    backend = Backend(sqlite_settings.model_copy(update={"cdn_edges": 2}))
    with TestClient(create_app(backend=backend)) as client:
        yield client, backend


def test_start_hands_out_signed_urls_on_every_edge(cdn_api: tuple[TestClient, Backend]) -> None:
    api, backend = cdn_api
    title = movie_ids(backend)[0]
    make_playable(backend, title)
    package = backend.settings.media_root / "titles" / title / "v1"
    package.mkdir(parents=True)
    (package / "master.m3u8").write_text("#EXTM3U\n#EXT-X-VERSION:7\n")
    started = api.post("/api/v1/playback/start", json={"titleId": title, "profileId": "alex"}).json()
    edges = started["edges"]
    assert len(edges) == 2 and started["manifestUrl"] == edges[0]["manifestUrl"]
    assert {e["edge"] for e in edges} == set(backend.delivery.edge_urls())
    for edge in edges:
        response = httpx.get(edge["manifestUrl"])
        assert response.status_code == 200 and response.text.startswith("#EXTM3U")
    forged = edges[0]["manifestUrl"].replace(f"/titles/{title}/", "/titles/other-title/")
    assert httpx.get(forged).status_code in (403, 404)
    unsigned = f"{edges[0]['edge']}/titles/{title}/v1/master.m3u8"
    assert httpx.get(unsigned).status_code == 403
    steering = api.get(started["steeringUrl"].removeprefix("http://testserver")).json()
    assert steering["VERSION"] == 1 and steering["TTL"] == 30
    assert sorted(steering["PATHWAY-PRIORITY"]) == sorted(backend.delivery.edge_urls())


def test_a_failed_edge_drops_out_of_the_ranking(cdn_api: tuple[TestClient, Backend]) -> None:
    api, backend = cdn_api
    network = backend.delivery.network
    assert network is not None
    broken = network.edges[0]
    headers = {"Authorization": f"Bearer {backend.settings.resolved_admin_token}"}
    assert (
        httpx.post(f"{broken.url}/admin/faults", json={"failRatio": 1.0}, headers=headers).status_code == 200
    )
    backend.delivery.steering.probe()
    ranked = backend.delivery.steering.rank("session-1", "titles/x/")
    assert ranked == [network.edges[1].url]


def test_operators_see_the_tiers_and_inject_faults(cdn_api: tuple[TestClient, Backend]) -> None:
    api, backend = cdn_api
    assert api.get("/api/v1/cdn/servers").status_code == 401
    servers = api.get("/api/v1/cdn/servers", headers=AUTH).json()
    assert [s["name"] for s in servers] == ["origin", "hub", "edge-0", "edge-1"]
    assert all(s["alive"] and "hitRatio" in s["metrics"] for s in servers)
    injected = api.post(
        "/api/v1/cdn/servers/edge-0/faults", json={"failRatio": 0.5, "latencyMs": 200}, headers=AUTH
    )
    assert injected.status_code == 200 and injected.json()["failRatio"] == 0.5
    edge0 = next(s for s in api.get("/api/v1/cdn/servers", headers=AUTH).json() if s["name"] == "edge-0")
    assert edge0["faults"]["latencyMs"] == 200
    assert api.delete("/api/v1/cdn/servers/edge-0/faults", headers=AUTH).json()["failRatio"] == 0
    assert (
        api.post("/api/v1/cdn/servers/edge-0/faults", json={"failRatio": 2}, headers=AUTH).status_code == 422
    )
    assert api.post("/api/v1/cdn/servers/edge-9/kill", headers=AUTH).status_code == 404
    assert api.post("/api/v1/cdn/servers/..%2Fetc/kill", headers=AUTH).status_code in (404, 422)

    assert api.post("/api/v1/cdn/servers/edge-1/kill", headers=AUTH).status_code == 202
    deadline = time.monotonic() + 30
    while True:  # the supervisor restarts it on the same port
        edge1 = next(s for s in api.get("/api/v1/cdn/servers", headers=AUTH).json() if s["name"] == "edge-1")
        if edge1["restarts"] >= 1 and edge1["alive"]:
            break
        assert time.monotonic() < deadline, "the killed edge was not restarted"
        time.sleep(0.2)
