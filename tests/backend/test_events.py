"""Viewer events: valid batches are appended; any bad event refuses the whole batch."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.backend.db.models import Event
from app.backend.services import Backend

from .helpers import movie_ids


def _count(backend: Backend) -> int:
    with backend.sessions() as session:
        return session.scalar(select(func.count()).select_from(Event)) or 0


def test_a_batch_is_appended(api: TestClient, backend: Backend) -> None:
    title = movie_ids(backend)[0]
    before = _count(backend)
    events = [
        {"profileId": "alex", "titleId": title, "type": "play"},
        {"profileId": "alex", "titleId": title, "type": "progress", "value": 120.0},
        {"profileId": "alex", "titleId": title, "type": "rate", "value": 4.5, "ts": time.time() - 60},
        {"profileId": "alex", "type": "search_click", "payload": {"query": "harbor"}},
    ]
    response = api.post("/api/v1/events", json={"events": events})
    assert response.status_code == 202 and response.json() == {"accepted": 4}
    assert _count(backend) == before + 4
    with backend.sessions() as session:
        rating = session.scalars(
            select(Event).where(Event.type == "rate", Event.profile_id == "alex").order_by(Event.id.desc())
        ).first()
        assert rating.value == 4.5 and rating.title_id == title


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ({"profileId": "ghost", "titleId": "T", "type": "play"}, "unknown_profile"),
        ({"profileId": "alex", "titleId": "no-such-title", "type": "play"}, "unknown_title"),
        ({"profileId": "alex", "titleId": "T", "type": "play", "ts": time.time() + 86_400}, "bad_timestamp"),
        ({"profileId": "alex", "titleId": "T", "type": "rate", "value": 9}, "invalid_event"),
        ({"profileId": "alex", "titleId": "T", "type": "progress"}, "invalid_event"),
        ({"profileId": "alex", "type": "finish"}, "invalid_event"),
    ],
)
def test_one_bad_event_refuses_the_batch(api: TestClient, backend: Backend, bad: dict, code: str) -> None:
    title = movie_ids(backend)[0]
    bad = {k: (title if v == "T" else v) for k, v in bad.items()}
    before = _count(backend)
    good = {"profileId": "alex", "titleId": title, "type": "play"}
    response = api.post("/api/v1/events", json={"events": [good, bad]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code and error["message"].startswith("events[1]")
    assert _count(backend) == before


def test_malformed_batches_are_4xx(api: TestClient) -> None:
    assert api.post("/api/v1/events", json={"events": []}).status_code == 422
    assert (
        api.post("/api/v1/events", json={"events": [{"profileId": "alex", "type": "dance"}]}).status_code
        == 422
    )
    many = [{"profileId": "alex", "type": "search_click"}] * 501
    assert api.post("/api/v1/events", json={"events": many}).status_code == 422
