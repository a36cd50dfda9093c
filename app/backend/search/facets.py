"""Genre and decade counts over a whole matching set, shared by both databases."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import CompoundSelect, Row, String, Subquery, cast, func, literal, select, union_all

from app.backend.db.models import Genre, Title
from app.backend.db.models.catalog import title_genres
from app.backend.search.base import FacetCount, Facets, SearchFilters
from app.backend.search.filters import filter_condition

MAX_VALUES = 20


def facets_statement(matches: Subquery, filters: SearchFilters) -> CompoundSelect:
    """Both facets in one statement over one pass of the matches: a CTE used twice is materialized
    by SQLite and PostgreSQL alike, which halves the cost on broad queries ('hor' matches horror)."""
    matched = (
        select(Title.id, Title.year)
        .join(matches, matches.c.title_id == Title.id)
        .where(filter_condition(filters))
        .cte("matched")
    )
    genres = (
        select(literal("genre"), Genre.name, func.count())
        .join(title_genres, title_genres.c.genre_id == Genre.id)
        .join(matched, matched.c.id == title_genres.c.title_id)
        .group_by(Genre.name)
    )
    decade = matched.c.year // 10 * 10
    decades = (
        select(literal("decade"), cast(decade, String), func.count())
        .where(matched.c.year.is_not(None))
        .group_by(decade)
    )
    return union_all(genres, decades)


def read_facets(rows: Sequence[Row]) -> Facets:
    return Facets(genres=_top(rows, "genre", str), decades=_top(rows, "decade", _decade))


def _decade(start: str) -> str:
    """Named like a year filter ('1990-1999'), so a client can send the value straight back."""
    return f"{start}-{int(start) + 9}"


def _top(rows: Sequence[Row], facet: str, name: Callable[[str], str]) -> tuple[FacetCount, ...]:
    counts = sorted(((value, n) for kind, value, n in rows if kind == facet), key=lambda c: (-c[1], c[0]))
    return tuple(FacetCount(name(value), n) for value, n in counts[:MAX_VALUES])
