"""Title search: one interface, an FTS5 implementation for SQLite and a SQL one for PostgreSQL."""

from __future__ import annotations

from app.backend.search.base import SearchFilters, SearchHit, SearchIndex
from app.backend.search.postgres import PostgresSearchIndex
from app.backend.search.sqlite_fts import SqliteFtsIndex


def make_search_index(dialect: str) -> SearchIndex:
    """Pick the implementation matching the database the backend runs on."""
    return SqliteFtsIndex() if dialect == "sqlite" else PostgresSearchIndex()


__all__ = ["SearchFilters", "SearchHit", "SearchIndex", "make_search_index"]
