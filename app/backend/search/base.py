"""The search interface: filters in; hits with highlights and facet counts out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, overload

from sqlalchemy.orm import Session

MatchType = Literal["title", "person", "genre", "tag", "typo"]
FieldName = Literal["title", "person", "genre", "tag"]
FIELD_ORDER: tuple[FieldName, ...] = ("title", "person", "genre", "tag")  # which wins a tie


@dataclass(frozen=True)
class SearchFilters:
    genre: str | None = None
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class Highlight:
    """The text that explains a hit, with the ``[start, end)`` character spans the query matched."""

    field: FieldName
    text: str
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class TitleSummary:
    """What a result shows of a title; loading less than the full ORM object keeps search fast."""

    id: str
    name: str
    year: int | None


@dataclass(frozen=True)
class SearchHit:
    title: TitleSummary
    match_type: MatchType
    highlight: Highlight


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts over every title the query matched (not just the page), after the filters."""

    genres: tuple[FacetCount, ...] = ()
    decades: tuple[FacetCount, ...] = ()


@dataclass(frozen=True)
class SearchResults(Sequence[SearchHit]):
    """A page of hits, best first, that also carries the facets of the whole matching set.

    It is a sequence of its hits so callers that only want the hits can iterate and slice it.
    """

    hits: tuple[SearchHit, ...] = ()
    facets: Facets = field(default_factory=Facets)

    @overload
    def __getitem__(self, index: int) -> SearchHit: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[SearchHit]: ...
    def __getitem__(self, index: int | slice) -> SearchHit | Sequence[SearchHit]:
        return self.hits[index]

    def __len__(self) -> int:
        return len(self.hits)


class SearchIndex(Protocol):
    def reindex(self, session: Session, title_ids: Iterable[str] | None = None) -> None:
        """Refresh the index for these titles (all titles when None); runs inside the caller's transaction."""

    def search(self, session: Session, query: str, filters: SearchFilters, limit: int) -> SearchResults:
        """Best matches first; an empty or operator-only query returns no hits."""
