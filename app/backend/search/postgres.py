"""PostgreSQL storage of the search index: a weighted tsvector per title (migration 0004), GIN-indexed."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import (
    Insert,
    String,
    Subquery,
    bindparam,
    cast,
    column,
    func,
    insert,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from app.backend.search.documents import FIELD_WEIGHTS, SearchDocument
from app.backend.search.syntax import TSQUERY_SYNTAX, QuerySyntax

# tsvector weight letters in FIELD_WEIGHTS order, and ts_rank's weights in (0, 1], ordered D, C, B, A.
_LETTERS = "ABCD"
_TOP_WEIGHT = max(FIELD_WEIGHTS.values())
_RANK_WEIGHTS = "{" + ", ".join(str(w / _TOP_WEIGHT) for w in reversed(FIELD_WEIGHTS.values())) + "}"
# Each field gets its own position range, so a phrase can never run from one field into the next.
_FIELD_SPAN = 4096
_MAX_POSITIONS = 256  # PostgreSQL keeps at most this many positions per lexeme


class PostgresTsvectorStore:
    """Builds the tsvector in Python from the already folded words (no parser, dictionary or unaccent)."""

    table = table("title_search", column("title_id"), column("document", TSVECTOR))
    syntax: QuerySyntax = TSQUERY_SYNTAX

    def insert_statement(self) -> Insert:
        return insert(self.table).values(
            title_id=bindparam("title_id"), document=cast(bindparam("document"), TSVECTOR)
        )

    def row(self, document: SearchDocument) -> dict[str, str]:
        return {"title_id": document.title_id, "document": tsvector_literal(document)}

    def matches(self) -> Subquery:
        query = cast(bindparam("match", type_=String), TSQUERY)
        document = self.table.c.document
        rank = func.ts_rank(literal_column(f"'{_RANK_WEIGHTS}'::float4[]"), document, query, 1)
        return (
            select(self.table.c.title_id, (-rank).label("score"))
            .where(document.op("@@")(query))
            .subquery("matches")
        )


def tsvector_literal(document: SearchDocument) -> str:
    """``'toy':1A 'story':2A 'hanks':4098B`` — positions for phrases, letters for field weights."""
    positions: defaultdict[str, list[str]] = defaultdict(list)
    for index, (letter, field) in enumerate(zip(_LETTERS, document.fields(), strict=True)):
        for offset, word in enumerate(field[: _FIELD_SPAN - 1], start=1):
            positions[word].append(f"{index * _FIELD_SPAN + offset}{letter}")
    return " ".join(f"'{word}':{','.join(p[:_MAX_POSITIONS])}" for word, p in positions.items())
