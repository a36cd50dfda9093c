"""SQL conditions for search filters, shared by both implementations."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select, true

from app.backend.catalog.queries import browsable
from app.backend.db.models import Genre, Title
from app.backend.db.models.catalog import title_genres
from app.backend.search.base import SearchFilters


def filter_condition(filters: SearchFilters) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [browsable()]
    if filters.genre:
        in_genre = (
            select(title_genres.c.title_id)
            .join(Genre, Genre.id == title_genres.c.genre_id)
            .where(func.lower(Genre.name) == filters.genre.lower())
        )
        conditions.append(Title.id.in_(in_genre))
    if filters.year_from is not None:
        conditions.append(Title.year >= filters.year_from)
    if filters.year_to is not None:
        conditions.append(Title.year <= filters.year_to)
    return and_(true(), *conditions)
