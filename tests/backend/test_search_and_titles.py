"""Search (prefix, people, filters, hostile input) and title details."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.backend.db.models import Credit, Person, Title, TitleKind
from app.backend.services import Backend


def _search(api: TestClient, **params) -> list[dict]:
    response = api.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def _a_movie(backend: Backend) -> Title:
    with backend.sessions() as session:
        return session.scalars(select(Title).where(Title.kind == TitleKind.MOVIE).order_by(Title.id)).first()


def test_title_prefix_finds_the_title(api: TestClient, backend: Backend) -> None:
    title = _a_movie(backend)
    words = title.name.split()
    query = " ".join(words[:-1] + [words[-1][:3]])
    hits = _search(api, q=query.lower())
    match = next(h for h in hits if h["titleId"] == title.id)
    assert match["matchType"] == "title" and match["title"] == title.name


def test_people_are_searchable(api: TestClient, backend: Backend) -> None:
    with backend.sessions() as session:
        person, title_id = session.execute(
            select(Person.name, Credit.title_id).join(Credit).where(Credit.role == "director").limit(1)
        ).one()
    hits = _search(api, q=person)
    assert any(h["titleId"] == title_id and h["matchType"] == "person" for h in hits)


def test_filters_restrict_results(api: TestClient, backend: Backend) -> None:
    title = _a_movie(backend)
    genre = title.genres[0].name
    query = title.name.split()[-1]
    by_genre = _search(api, q=query, filters=f"genre:{genre}")
    assert by_genre and all(
        genre in api.get(f"/api/v1/titles/{h['titleId']}").json()["genres"] for h in by_genre
    )
    by_year = _search(api, q=query, year=f"{title.year}")
    assert by_year and all(h["year"] == title.year for h in by_year)
    assert api.get("/api/v1/search", params={"q": "x", "filters": "colour:red"}).status_code == 422
    assert api.get("/api/v1/search", params={"q": "x", "year": "2020-1990"}).status_code == 422


@pytest.mark.parametrize(
    "query", ['"', "*", "NEAR(", "OR", "a AND OR", "'; DROP TABLE titles; --", "ü" * 150, ""]
)
def test_hostile_queries_never_fail(api: TestClient, query: str) -> None:
    response = api.get("/api/v1/search", params={"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)
    assert api.get("/api/v1/search", params={"q": "x" * 500}).status_code == 422


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
