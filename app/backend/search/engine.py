"""The search engine: plan the query, fetch exact matches, let typo matches fill the rest, explain hits.

Everything here is shared by both databases; an :class:`IndexStore` only says how documents are
stored and how a rendered plan is matched and scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol

from sqlalchemy import (
    CompoundSelect,
    Insert,
    Integer,
    Select,
    Subquery,
    TableClause,
    bindparam,
    delete,
    select,
)
from sqlalchemy.orm import Session

from app.backend.catalog.queries import browsable
from app.backend.db.models import Title
from app.backend.search.base import SearchFilters, SearchHit, SearchResults, TitleSummary
from app.backend.search.documents import SearchDocument, document_for
from app.backend.search.facets import facets_statement, read_facets
from app.backend.search.filters import filter_condition
from app.backend.search.highlight import explain, name_explains
from app.backend.search.plan import QueryPlan, build_plan
from app.backend.search.side_texts import side_texts
from app.backend.search.syntax import QuerySyntax
from app.backend.search.text import query_tokens
from app.backend.search.vocabulary import VocabularyCache

_DELETE_CHUNK = 500


class IndexStore(Protocol):
    table: TableClause  # has a ``title_id`` column
    syntax: QuerySyntax

    def insert_statement(self) -> Insert: ...

    def row(self, document: SearchDocument) -> dict[str, str]: ...

    def matches(self) -> Subquery:
        """``title_id`` and ``score`` (lower is more relevant) of the titles matching the ``match``
        parameter, a plan rendered in :attr:`syntax`."""
        ...


class SearchEngine:
    def __init__(self, store: IndexStore) -> None:
        self._store = store
        self._matches = store.matches()
        self._vocabulary = VocabularyCache()

    def reindex(self, session: Session, title_ids: Iterable[str] | None = None) -> None:
        table = self._store.table
        query = select(Title).where(browsable())
        if title_ids is None:
            session.execute(delete(table))
        else:
            ids = list(title_ids)
            for start in range(0, len(ids), _DELETE_CHUNK):
                session.execute(delete(table).where(table.c.title_id.in_(ids[start : start + _DELETE_CHUNK])))
            query = query.where(Title.id.in_(ids))
        rows = [self._store.row(document_for(t)) for t in session.scalars(query)]
        if rows:
            session.execute(self._store.insert_statement(), rows)
        self._vocabulary.invalidate()

    def search(self, session: Session, query: str, filters: SearchFilters, limit: int) -> SearchResults:
        """Exact (and prefix, and compound) matches first; typo matches only fill the free places.

        Typo candidates are looked up only when exact matches leave places free, and the exact
        query is skipped when the vocabulary says it cannot match (a word nobody uses was typed);
        the typo query contains the exact words as well, so a stale vocabulary loses nothing.
        """
        tokens = query_tokens(query)
        if not tokens:
            return SearchResults()
        vocabulary = self._vocabulary.get(session)
        page, facets = _statements(self._matches, filters)
        widest = build_plan(tokens, vocabulary, typos=False)
        known = widest.may_match(vocabulary)
        hits = self._page(session, page, widest, limit, typo_tier=False) if known else []
        if len(hits) < limit:
            full = build_plan(tokens, vocabulary, typos=True)
            if full.has_typos or not known:
                widest, seen = full, [h.title.id for h in hits]
                hits += self._page(session, page, full, limit - len(hits), full.has_typos, skip=seen)
        rows = session.connection().execute(facets, {"match": self._store.syntax.render(widest)}).all()
        return SearchResults(tuple(hits), read_facets(rows))

    def _page(
        self,
        session: Session,
        statement: Select,
        plan: QueryPlan,
        limit: int,
        typo_tier: bool,
        skip: Sequence[str] = (),
    ) -> list[SearchHit]:
        parameters = {"match": self._store.syntax.render(plan), "limit": limit, "skip": list(skip)}
        # Core execution: these statements return plain rows, so the ORM session layer only costs time.
        titles = [TitleSummary(*row) for row in session.connection().execute(statement, parameters)]
        texts = side_texts(session, [t.id for t in titles if not name_explains(t.name, plan)])
        return [SearchHit(t, *explain(t.name, texts.get(t.id, ()), plan, typo_tier)) for t in titles]


@lru_cache(maxsize=256)
def _statements(matches: Subquery, filters: SearchFilters) -> tuple[Select, CompoundSelect]:
    """The page and facet statements for one filter combination, built once: building SQLAlchemy
    statements costs more than running these on a catalog of thousands of titles."""
    page = (
        select(Title.id, Title.name, Title.year)
        .join(matches, matches.c.title_id == Title.id)
        .where(filter_condition(filters), Title.id.not_in(bindparam("skip", expanding=True)))
        .order_by(matches.c.score, Title.popularity.desc(), Title.id)  # relevance, then popularity
        .limit(bindparam("limit", type_=Integer))
    )
    return page, facets_statement(matches, filters)
