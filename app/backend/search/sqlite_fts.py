"""SQLite FTS5 search: prefix matching on every token, ranked by weighted BM25 then popularity."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from sqlalchemy import literal_column, select, text
from sqlalchemy.orm import Session

from app.backend.db.models import Title
from app.backend.search.base import SearchFilters, SearchHit, classify_match, fold, query_tokens
from app.backend.search.documents import document_for
from app.backend.search.filters import filter_condition

# Column weights for bm25(): title_id (unindexed), name, people, genres, tags.
_BM25 = "bm25(title_search, 0.0, 10.0, 3.0, 2.0, 1.0)"


class SqliteFtsIndex:
    """Keeps the ``title_search`` FTS5 table (created by migration 0002) in step with the catalog."""

    def reindex(self, session: Session, title_ids: Iterable[str] | None = None) -> None:
        if title_ids is None:
            session.execute(text("DELETE FROM title_search"))
            titles = session.scalars(select(Title)).all()
        else:
            ids = list(title_ids)
            for chunk in _chunks(ids, 500):
                session.execute(
                    text("DELETE FROM title_search WHERE title_id IN (SELECT value FROM json_each(:ids))"),
                    {"ids": _json_list(chunk)},
                )
            titles = session.scalars(select(Title).where(Title.id.in_(ids))).all()
        rows = [
            {
                "id": d.title_id,
                "name": fold(d.name),
                "people": fold(d.people),
                "genres": fold(d.genres),
                "tags": fold(d.tags),
            }
            for d in map(document_for, titles)
        ]
        if rows:
            session.execute(
                text(
                    "INSERT INTO title_search (title_id, name, people, genres, tags) "
                    "VALUES (:id, :name, :people, :genres, :tags)"
                ),
                rows,
            )

    def search(self, session: Session, query: str, filters: SearchFilters, limit: int) -> list[SearchHit]:
        tokens = query_tokens(query)
        if not tokens:
            return []
        match = " ".join(f'"{token}"*' for token in tokens)
        ranked = (
            select(literal_column("title_id").label("title_id"), literal_column(_BM25).label("score"))
            .select_from(text("title_search"))
            .where(text("title_search MATCH :match"))
            .subquery("ranked")
        )
        statement = (
            select(Title)
            .join(ranked, ranked.c.title_id == Title.id)
            .where(filter_condition(filters))
            .order_by(ranked.c.score, Title.popularity.desc(), Title.id)
            .limit(limit)
        )
        titles = session.scalars(statement, {"match": match}).all()
        return [SearchHit(title, classify_match(title, tokens)) for title in titles]


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _json_list(items: list[str]) -> str:
    return orjson.dumps(items).decode()
