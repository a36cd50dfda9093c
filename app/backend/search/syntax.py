"""Render a query plan as an FTS5 MATCH expression or a PostgreSQL tsquery.

The words come from :func:`~app.backend.search.text.words` (letters and digits only), so quoting
them is enough to keep every user-typed character out of the query language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.backend.search.plan import Alternative, QueryPlan


@dataclass(frozen=True)
class QuerySyntax:
    phrase: Callable[[Alternative], str]
    and_: str
    or_: str

    def render(self, plan: QueryPlan) -> str:
        readings = (
            self.and_.join(
                "(" + self.or_.join(self.phrase(a) for a in term.alternatives) + ")" for term in reading
            )
            for reading in plan.readings
        )
        return self.or_.join(f"({r})" for r in readings)


def _fts5_phrase(alternative: Alternative) -> str:
    return '"' + " ".join(alternative.words) + '"' + ("*" if alternative.prefix else "")


def _tsquery_phrase(alternative: Alternative) -> str:
    *whole, last = alternative.words
    return " <-> ".join([*(f"'{w}'" for w in whole), f"'{last}'" + (":*" if alternative.prefix else "")])


FTS5_SYNTAX = QuerySyntax(_fts5_phrase, " AND ", " OR ")
TSQUERY_SYNTAX = QuerySyntax(_tsquery_phrase, " & ", " | ")
