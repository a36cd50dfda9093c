"""Importing MovieLens: titles, tags, users as profiles and ratings as events; bad folders fail cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.backend.catalog.movielens import ImportFailed, import_movielens, split_title
from app.backend.db.models import Event, Profile, Title, TitleTag
from app.backend.search import SearchFilters
from app.backend.services import Backend
from app.config import Settings

from ..conftest import SHARED

ML_SMALL = SHARED / "data" / "movielens" / "ml-latest-small"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Heat (1995)", ("Heat", 1995)),
        ("Matrix, The (1999)", ("The Matrix", 1999)),
        ("Babylon 5", ("Babylon 5", None)),
        ("Cosmos (1980– )", ("Cosmos", 1980)),
    ],
)
def test_split_title(raw: str, expected: tuple[str, int | None]) -> None:
    assert split_title(raw) == expected


@pytest.fixture
def empty_backend(tmp_path: Path) -> Backend:
    backend = Backend(Settings(data_dir=tmp_path / "data", seed_demo=False))
    backend.prepare()
    return backend


@pytest.mark.skipif(not ML_SMALL.is_dir(), reason="../shared/data/movielens is not present")
def test_import_ml_latest_small(empty_backend: Backend) -> None:
    with empty_backend.sessions() as session:
        counts = import_movielens(session, ML_SMALL)
        empty_backend.search.reindex(session)
        session.commit()
    assert counts == {"titles": 9742, "profiles": 610, "ratings": 100836, "tags": counts["tags"]}
    with empty_backend.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Event).where(Event.type == "rate")) == 100836
        assert session.scalar(select(func.count()).select_from(Profile)) == 610
        assert session.scalar(select(func.count()).select_from(TitleTag)) == counts["tags"] > 1000
        toy_story = session.get(Title, "ml-1")
        assert (toy_story.name, toy_story.year) == ("Toy Story", 1995)
        assert {g.name for g in toy_story.genres} >= {"Animation", "Comedy"}
        assert toy_story.popularity > 0
        hits = empty_backend.search.search(session, "toy sto", SearchFilters(), 5)
        assert "ml-1" in {h.title.id for h in hits}
        assert all(h.title.name.startswith("Toy Story") for h in hits[:3])
        with pytest.raises(ImportFailed, match="already imported"):
            import_movielens(session, ML_SMALL)


def test_incomplete_folder_is_refused_without_writing(empty_backend: Backend, tmp_path: Path) -> None:
    folder = tmp_path / "partial"
    folder.mkdir()
    if ML_SMALL.is_dir():
        shutil.copy(ML_SMALL / "movies.csv", folder / "movies.csv")
    with empty_backend.sessions() as session, pytest.raises(ImportFailed, match="ratings.csv"):
        import_movielens(session, folder)
    with empty_backend.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Title)) == 0
