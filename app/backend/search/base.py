"""What every search implementation shares: filters, hits, query tokens and match classification."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy.orm import Session

from app.backend.db.models import Title

MatchType = Literal["title", "person", "genre", "tag"]
MAX_TOKENS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchFilters:
    genre: str | None = None
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class SearchHit:
    title: Title
    match_type: MatchType


def fold(text: str) -> str:
    """Lower-case and strip accents so 'Amélie' and 'amelie' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_tokens(query: str) -> list[str]:
    """Words of a user query, accent-folded, with every operator character dropped.

    Only ``\\w`` runs survive, so user input can never inject FTS5 or SQL syntax.
    """
    return _WORD.findall(fold(query))[:MAX_TOKENS]


def classify_match(title: Title, tokens: Iterable[str]) -> MatchType:
    """Name the field that explains the hit: the title's own name wins over people, genres, tags."""
    fields: list[tuple[MatchType, str]] = [
        ("title", title.name),
        ("person", " ".join(c.person.name for c in title.credits)),
        ("genre", " ".join(g.name for g in title.genres)),
    ]
    words_by_field = [(kind, _WORD.findall(fold(text))) for kind, text in fields]
    for kind, words in words_by_field:
        if all(any(w.startswith(t) for w in words) for t in tokens):
            return kind
    for kind, words in words_by_field:
        if any(any(w.startswith(t) for w in words) for t in tokens):
            return kind
    return "tag"


class SearchIndex(Protocol):
    def reindex(self, session: Session, title_ids: Iterable[str] | None = None) -> None:
        """Refresh the index for these titles (all titles when None); runs inside the caller's transaction."""

    def search(self, session: Session, query: str, filters: SearchFilters, limit: int) -> list[SearchHit]:
        """Best matches first; an empty or operator-only query returns no hits."""
