"""Search through the API on SQLite and PostgreSQL: prefixes, typos, compounds, facets, highlights.

Every test adds a few titles with made-up words to the demo catalog, so what they match is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from app.backend.catalog.queries import browsable
from app.backend.catalog.writes import NameRegistry
from app.backend.db.migrate import alembic_config, upgrade_to_head
from app.backend.db.models import Credit, Person, Title, TitleKind, TitleTag
from app.backend.search import SearchFilters
from app.backend.services import Backend
from app.config import Settings


@dataclass(frozen=True)
class Spec:
    id: str
    name: str
    year: int
    genres: tuple[str, ...] = ("Drama",)
    director: str = "Ines Quarrington"
    tags: tuple[str, ...] = ()
    popularity: float = 1.0


CATALOG = (
    Spec("t-spider", "Spider-Man", 2002, ("Action",), director="Sam Raimi", popularity=50.0),
    Spec("t-amazing", "The Amazing Spiderman", 2012, ("Action",), popularity=20.0),
    Spec("t-extra", "Extraordinary Gentlemen", 2003, ("Adventure",)),
    Spec("t-lovers", "Lovers Rock", 1998),
    Spec("t-pride", "Pride", 2014),
    Spec("t-cats", "Cats", 2019),
    Spec("t-zeph-1", "Zephyrine Dawn", 1995, ("Action",), tags=("quokkalore",)),
    Spec("t-zeph-2", "Zephyrine Noon", 1999, ("Action", "Drama"), tags=("quokkalore",)),
    Spec("t-zeph-3", "Zephyrine Dusk", 2004, ("Drama",), tags=("quokkalore",)),
    Spec("t-amelie", "Le Fabuleux Destin d'Amélie Poulain", 2001, ("Comedy",)),
    Spec("t-borealis", "Borealis", 2010, popularity=0.5),
    Spec("t-borealis-typo", "Borealix Station", 2011, popularity=99.0),
    Spec("t-quasar", "Quasar", 1980, popularity=0.1),
    Spec("t-quasar-alpha", "Quasar Alpha", 1981, popularity=5.0),
    Spec("t-quasar-omega", "Quasar Omega", 1982, popularity=10.0),
)


def add_titles(backend: Backend, specs: tuple[Spec, ...] = CATALOG) -> None:
    """Write titles the way importers do, then refresh the index through the write path's reindex."""
    with backend.sessions() as session:
        registry = NameRegistry(session)
        for spec in specs:
            title = Title(
                id=spec.id,
                kind=TitleKind.MOVIE,
                name=spec.name,
                year=spec.year,
                popularity=spec.popularity,
                genres=registry.genres(spec.genres),
                credits=[Credit(person=registry.person(spec.director), role="director")],
                tags=[TitleTag(tag=tag) for tag in spec.tags],
            )
            session.add(title)
        session.flush()
        backend.search.reindex(session, [s.id for s in specs])
        session.commit()


@pytest.fixture
def catalog(api: TestClient, backend: Backend) -> TestClient:
    add_titles(backend)
    return api


def search(api: TestClient, **params: object) -> dict:
    response = api.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(api: TestClient, query: str, **params: object) -> list[str]:
    return [r["titleId"] for r in search(api, q=query, **params)["results"]]


def result(api: TestClient, query: str, title_id: str) -> dict:
    return next(r for r in search(api, q=query)["results"] if r["titleId"] == title_id)


# --- as-you-type prefixes and the fields searched ---------------------------------------------


def test_the_last_word_is_a_prefix_and_earlier_words_are_whole(catalog: TestClient) -> None:
    assert ids(catalog, "zephyrine du")[:1] == ["t-zeph-3"]
    assert set(ids(catalog, "zephyr")) >= {"t-zeph-1", "t-zeph-2", "t-zeph-3"}
    assert "t-zeph-3" not in ids(catalog, "zephyr dusk")  # 'zephyr' is typed out, so it is no prefix


def test_people_genres_and_tags_are_searchable(catalog: TestClient) -> None:
    assert result(catalog, "sam raimi", "t-spider")["matchType"] == "person"
    assert result(catalog, "quokkalore", "t-zeph-1")["matchType"] == "tag"
    assert set(ids(catalog, "zephyrine action")) == {"t-zeph-1", "t-zeph-2"}
    assert result(catalog, "zephyrine action", "t-zeph-1")["matchType"] == "title"


def test_accents_and_case_do_not_matter(catalog: TestClient) -> None:
    assert "t-amelie" in ids(catalog, "AMELIE poul")
    assert "t-amelie" in ids(catalog, "amélie")


# --- typo tolerance ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "title_id"),
    [
        ("prdie", "t-pride"),  # 5 letters, one swap
        ("lovres rock", "t-lovers"),  # 6 letters, one swap, not the last word
        ("extrordinery gentlemen", "t-extra"),  # 13 letters: two typos
        ("gentelmenn", "t-extra"),  # 10 letters: a swap and an extra letter, while typing
        ("prid", "t-pride"),  # still typing: a prefix, no typo at all
    ],
)
def test_typos_within_the_budget_are_forgiven(catalog: TestClient, query: str, title_id: str) -> None:
    assert title_id in ids(catalog, query)


@pytest.mark.parametrize(
    "query",
    [
        "cets",  # 4 letters get no typo
        "lavars rock",  # 6 letters get one typo, not two
        "extraordinyyyy",  # three typos from 'extraordinary': two is the most
    ],
)
def test_typos_beyond_the_budget_are_not(catalog: TestClient, query: str) -> None:
    assert not {"t-cats", "t-lovers", "t-extra"} & set(ids(catalog, query))


def test_a_letter_dropped_from_a_five_letter_word_is_forgiven(catalog: TestClient) -> None:
    """'pide' has 4 letters, too few for a typo by itself, but the word it stands for has 5."""
    assert "t-pride" in ids(catalog, "pide")


def test_typo_matches_only_fill_what_exact_matches_leave(catalog: TestClient) -> None:
    """'borealis' matches Borealis exactly; the far more popular 'Borealix' only comes after it."""
    results = search(catalog, q="borealis")["results"]
    assert [r["titleId"] for r in results[:2]] == ["t-borealis", "t-borealis-typo"]
    assert [r["matchType"] for r in results[:2]] == ["title", "typo"]
    assert ids(catalog, "borealis", limit=1) == ["t-borealis"]
    assert result(catalog, "borealiz", "t-borealis-typo")["matchType"] == "typo"


# --- compounds -------------------------------------------------------------------------------------


def test_a_joined_compound_finds_the_split_title(catalog: TestClient) -> None:
    assert {"t-spider", "t-amazing"} <= set(ids(catalog, "spiderman"))
    assert result(catalog, "spiderman", "t-spider")["matchType"] == "title"


def test_a_split_compound_finds_the_joined_title(catalog: TestClient) -> None:
    assert {"t-spider", "t-amazing"} <= set(ids(catalog, "spider man"))
    assert {"t-spider", "t-amazing"} <= set(ids(catalog, "spider ma"))


# --- ranking, facets and highlights ----------------------------------------------------------------


def test_relevance_comes_before_popularity_and_popularity_breaks_ties(catalog: TestClient) -> None:
    """The one-word title is the closest match; of two equally close ones the more popular leads."""
    assert ids(catalog, "quasar") == ["t-quasar", "t-quasar-omega", "t-quasar-alpha"]


def test_facets_count_the_whole_matching_set_not_just_the_page(catalog: TestClient) -> None:
    facets = search(catalog, q="quokkalore", limit=1)["facets"]
    assert {f["value"]: f["count"] for f in facets["genre"]} == {"Action": 2, "Drama": 2}
    assert facets["decade"] == [{"value": "1990-1999", "count": 2}, {"value": "2000-2009", "count": 1}]
    narrowed = search(catalog, q="quokkalore", filters=f"year:{facets['decade'][0]['value']}")
    assert sorted(r["titleId"] for r in narrowed["results"]) == ["t-zeph-1", "t-zeph-2"]
    assert {f["value"]: f["count"] for f in narrowed["facets"]["genre"]} == {"Action": 2, "Drama": 1}


def test_highlight_marks_what_was_typed(catalog: TestClient) -> None:
    spider = result(catalog, "spider ma", "t-spider")["highlight"]
    assert spider == {"field": "title", "text": "Spider-Man", "spans": [[0, 6], [7, 9]]}
    amelie = result(catalog, "amel", "t-amelie")["highlight"]
    start, end = amelie["spans"][0]
    assert amelie["text"][start:end] == "Amél"
    person = result(catalog, "raimi", "t-spider")["highlight"]
    assert person == {"field": "person", "text": "Sam Raimi", "spans": [[4, 9]]}


# --- the index follows the catalog -----------------------------------------------------------------


def test_reindex_keeps_the_index_and_the_typo_vocabulary_in_step(
    catalog: TestClient, backend: Backend
) -> None:
    assert ids(catalog, "marmaladex") == []
    with backend.sessions() as session:
        title = session.get(Title, "t-cats")
        assert title is not None
        title.name = "Marmaladex Skies"
        backend.search.reindex(session, ["t-cats"])
        session.commit()
    assert "t-cats" not in ids(catalog, "cats")
    assert ids(catalog, "marmaladex sk") == ["t-cats"]
    assert result(catalog, "marmaladez", "t-cats")["matchType"] == "typo"


def test_a_demo_title_is_found_while_its_last_word_is_typed(api: TestClient, backend: Backend) -> None:
    with backend.sessions() as session:
        title = session.scalars(select(Title).where(Title.kind == TitleKind.MOVIE).order_by(Title.id)).first()
        assert title is not None
        name, title_id = title.name, title.id
    *words, last = name.split()
    hit = result(api, " ".join([*words, last[:3]]).lower(), title_id)
    assert hit["matchType"] == "title" and hit["title"] == name


@pytest.mark.postgres
def test_upgrading_postgres_builds_the_index_from_the_catalog(postgres_url: str, tmp_path: Path) -> None:
    """Migration 0004 fills the new tsvector table, so an existing remote catalog stays searchable."""
    backend = Backend(Settings(data_dir=tmp_path, database_url=postgres_url, demo_titles=5))
    backend.prepare()
    config = alembic_config()
    with backend.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
        assert "title_search" not in inspect(connection).get_table_names()
    upgrade_to_head(backend.engine)
    with backend.sessions() as session:
        title_id, name = session.execute(select(Title.id, Title.name).where(browsable()).limit(1)).one()
        assert title_id in [h.title.id for h in backend.search.search(session, name, SearchFilters(), 10)]
    backend.stop()


def test_filters_restrict_results(api: TestClient, backend: Backend) -> None:
    with backend.sessions() as session:
        title = session.scalars(select(Title).where(Title.kind == TitleKind.MOVIE).order_by(Title.id)).first()
        assert title is not None
        genre, query, year = title.genres[0].name, title.name.split()[-1], title.year
    by_genre = search(api, q=query, filters=f"genre:{genre}")["results"]
    assert by_genre and all(
        genre in api.get(f"/api/v1/titles/{h['titleId']}").json()["genres"] for h in by_genre
    )
    by_year = search(api, q=query, year=f"{year}")["results"]
    assert by_year and all(h["year"] == year for h in by_year)
    assert api.get("/api/v1/search", params={"q": "x", "filters": "colour:red"}).status_code == 422
    assert api.get("/api/v1/search", params={"q": "x", "year": "2020-1990"}).status_code == 422


def test_people_of_the_demo_catalog_are_searchable(api: TestClient, backend: Backend) -> None:
    with backend.sessions() as session:
        person, title_id = session.execute(
            select(Person.name, Credit.title_id).join(Credit).where(Credit.role == "director").limit(1)
        ).one()
    assert any(
        h["titleId"] == title_id and h["matchType"] == "person" for h in search(api, q=person)["results"]
    )


# --- hostile input -----------------------------------------------------------------------------------


HOSTILE = [
    "",
    "   ",
    '"',
    "*",
    "NEAR(",
    "NEAR(spider man, 2)",
    "OR",
    "a AND OR",
    "spider OR",
    "-spider",
    "^spider",
    "name:spider",
    "title_search:spider",
    "{name people}: spider",
    'spider" OR "x',
    "spider' | 'x':*",
    "!(&|<->)",
    "'; DROP TABLE titles; --",
    "ü" * 150,
    "🕷️👨 spider 🕸",
    "Z̷̢͔͙a̴̘̔l̸͚̍g̷̱̈o̶",
    "עכביש אדם",
    "蜘蛛侠",
    "\u0000spider\u200b",
    "x" * 200,
]


def test_hostile_queries_answer_empty_or_results_never_an_error(catalog: TestClient) -> None:
    for query in HOSTILE:
        body = search(catalog, q=query)
        assert isinstance(body["results"], list) and set(body["facets"]) == {"genre", "decade"}, query


def test_operator_characters_around_words_are_ignored(catalog: TestClient) -> None:
    assert ids(catalog, '"zephyrine" -dusk*') == ids(catalog, "zephyrine dusk") == ["t-zeph-3"]


def test_oversized_queries_and_limits_are_refused_clearly(catalog: TestClient) -> None:
    for params in ({"q": "x" * 201}, {"q": "x", "limit": 0}, {"q": "x", "limit": 101}):
        response = catalog.get("/api/v1/search", params=params)
        assert response.status_code == 422
