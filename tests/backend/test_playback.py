"""Playback sessions: entitlement checks, resume from stored progress, batched heartbeats, abandonment."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.backend.db.models import PlaybackSession, SessionState, WatchProgress
from app.backend.playback.sessions import abandon_stale_sessions
from app.backend.services import Backend

from .conftest import make_playable
from .helpers import adult_movie, movie_ids, restrict_to_region


def _start(api: TestClient, title_id: str, profile_id: str = "alex"):
    return api.post(
        "/api/v1/playback/start",
        json={
            "titleId": title_id,
            "profileId": profile_id,
            "deviceType": "desktop",
            "preferredQuality": "auto",
        },
    )


def _beat(api: TestClient, session_id: str, position: float):
    return api.post(
        "/api/v1/playback/heartbeat",
        json={
            "sessionId": session_id,
            "currentPosition": position,
            "currentBitrate": 2500,
            "bufferHealth": 12.5,
        },
    )


@pytest.fixture
def playable(backend: Backend) -> str:
    title_id = movie_ids(backend, max_maturity=7)[0]
    make_playable(backend, title_id)
    return title_id


def test_start_requires_a_playable_title(api: TestClient, backend: Backend) -> None:
    title_id = movie_ids(backend)[0]
    response = _start(api, title_id)
    assert response.status_code == 409 and response.json()["error"]["code"] == "title_not_playable"
    assert _start(api, "no-such-title").status_code == 404
    assert _start(api, title_id, "no-such-profile").json()["error"]["code"] == "profile_not_found"


def test_start_checks_maturity_and_region(api: TestClient, backend: Backend, playable: str) -> None:
    mature = adult_movie(backend)
    make_playable(backend, mature)
    assert _start(api, mature, "kids").json()["error"]["code"] == "maturity_restricted"
    restrict_to_region(backend, playable, "GB")
    assert _start(api, playable, "alex").json()["error"]["code"] == "not_licensed_in_region"
    assert _start(api, playable, "sam").status_code == 200  # sam lives in GB


def test_heartbeats_are_batched_and_resume_from_progress(
    api: TestClient, backend: Backend, playable: str
) -> None:
    started = _start(api, playable).json()
    assert started["resumePosition"] == 0
    assert started["manifestUrl"].endswith(f"/media/titles/{playable}/v1/master.m3u8")
    assert started["licenseUrl"].endswith(started["sessionId"])
    for position in range(10, 130, 10):
        assert _beat(api, started["sessionId"], float(position)).json() == {"continue": True}
    with backend.sessions() as session:  # nothing written until the batch flushes
        assert session.get(WatchProgress, ("alex", playable)) is None
    assert backend.heartbeats.flush() == 1
    with backend.sessions() as session:
        stored = session.get(PlaybackSession, started["sessionId"])
        assert stored.position_s == 120 and stored.heartbeat_count == 12 and stored.buffer_s == 12.5
    again = _start(api, playable).json()
    assert again["resumePosition"] == 120
    detail = api.get(f"/api/v1/titles/{playable}", params={"profileId": "alex"}).json()
    assert detail["resumePosition"] == 120  # what the title page's Resume button shows
    assert api.get(f"/api/v1/titles/{playable}").json()["resumePosition"] is None
    assert api.get(f"/api/v1/titles/{playable}", params={"profileId": "ghost"}).status_code == 404


def test_finished_titles_start_over(api: TestClient, backend: Backend, playable: str) -> None:
    started = _start(api, playable).json()
    _beat(api, started["sessionId"], 590.0)  # 98 % of 600 s
    backend.heartbeats.flush()
    assert _start(api, playable).json()["resumePosition"] == 0


def test_stop_ends_the_session(api: TestClient, backend: Backend, playable: str) -> None:
    session_id = _start(api, playable).json()["sessionId"]
    stop = api.post("/api/v1/playback/stop", json={"sessionId": session_id, "currentPosition": 42.0})
    assert stop.json() == {"continue": False}
    assert _beat(api, session_id, 50.0).json() == {"continue": False}
    with backend.sessions() as session:
        stored = session.get(PlaybackSession, session_id)
        assert stored.state == SessionState.ENDED and stored.position_s == 42.0
    license_ = api.get(f"/api/v1/playback/license/{session_id}").json()
    assert license_["titleId"] == playable and license_["protection"] == "clear"


def test_silent_sessions_are_abandoned(api: TestClient, backend: Backend, playable: str) -> None:
    session_id = _start(api, playable).json()["sessionId"]
    with backend.sessions() as session:
        assert abandon_stale_sessions(session, 300, now=time.time() + 60) == []
        assert abandon_stale_sessions(session, 300, now=time.time() + 301) == [session_id]
        assert session.scalar(select(PlaybackSession.state)) == SessionState.ABANDONED


def test_unknown_sessions_and_bad_heartbeats(api: TestClient) -> None:
    assert _beat(api, "deadbeef", 1.0).status_code == 404
    negative = api.post("/api/v1/playback/heartbeat", json={"sessionId": "x", "currentPosition": -5})
    assert negative.status_code == 422
    assert api.get("/api/v1/playback/license/nope").status_code == 404
