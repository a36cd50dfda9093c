"""SQLite storage of the search index: the FTS5 table ``title_search`` created by migration 0002."""

from __future__ import annotations

from sqlalchemy import Insert, Subquery, column, insert, literal_column, select, table, text

from app.backend.search.documents import FIELD_WEIGHTS, SearchDocument
from app.backend.search.syntax import FTS5_SYNTAX, QuerySyntax

# bm25() takes one weight per column, the unindexed title_id first; lower scores are better.
_BM25 = "bm25(title_search, 0.0, " + ", ".join(str(w) for w in FIELD_WEIGHTS.values()) + ")"


class SqliteFtsStore:
    """Each field is stored as its space-joined folded words, which FTS5 tokenizes back unchanged."""

    table = table("title_search", column("title_id"), *(column(name) for name in FIELD_WEIGHTS))
    syntax: QuerySyntax = FTS5_SYNTAX

    def insert_statement(self) -> Insert:
        return insert(self.table)

    def row(self, document: SearchDocument) -> dict[str, str]:
        fields = {name: " ".join(w) for name, w in zip(FIELD_WEIGHTS, document.fields(), strict=True)}
        return {"title_id": document.title_id, **fields}

    def matches(self) -> Subquery:
        return (
            select(self.table.c.title_id, literal_column(_BM25).label("score"))
            .where(text("title_search MATCH :match"))
            .subquery("matches")
        )
