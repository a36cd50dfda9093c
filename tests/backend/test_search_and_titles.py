"""Title details (search has its own tests in test_search.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.backend.db.models import Title, TitleKind
from app.backend.services import Backend


def test_title_detail_has_credits_and_seasons(api: TestClient, backend: Backend) -> None:
    with backend.sessions() as session:
        series_id = session.scalar(select(Title.id).where(Title.kind == TitleKind.SERIES).limit(1))
    detail = api.get(f"/api/v1/titles/{series_id}").json()
    assert detail["kind"] == "series" and detail["seasons"]
    episode = detail["seasons"][0]["episodes"][0]
    assert episode["number"] == 1
    assert api.get(f"/api/v1/titles/{episode['titleId']}").json()["kind"] == "episode"
    assert any(c["role"] == "director" for c in detail["credits"])
    poster = api.get(detail["thumbnail"])
    assert poster.status_code == 200 and poster.content.startswith(b"\x89PNG")
    assert api.get("/api/v1/titles/nope").status_code == 404
    assert api.get("/api/v1/titles/..%2Fetc").status_code in (404, 422)
