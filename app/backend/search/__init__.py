"""Title search: one engine, stored in FTS5 on SQLite and in a tsvector on PostgreSQL."""

from __future__ import annotations

from app.backend.search.base import Facets, Highlight, SearchFilters, SearchHit, SearchIndex, SearchResults
from app.backend.search.engine import SearchEngine
from app.backend.search.postgres import PostgresTsvectorStore
from app.backend.search.sqlite_fts import SqliteFtsStore


def make_search_index(dialect: str) -> SearchIndex:
    """Pick the storage matching the database the backend runs on."""
    return SearchEngine(SqliteFtsStore() if dialect == "sqlite" else PostgresTsvectorStore())


__all__ = [
    "Facets",
    "Highlight",
    "SearchFilters",
    "SearchHit",
    "SearchIndex",
    "SearchResults",
    "make_search_index",
]
