"""PostgreSQL search: every token must prefix-match a word of the name, people, genres or tags."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, case, or_, select
from sqlalchemy.orm import Session

from app.backend.db.models import Credit, Genre, Person, Title, TitleTag
from app.backend.db.models.catalog import title_genres
from app.backend.search.base import SearchFilters, SearchHit, classify_match, query_tokens
from app.backend.search.filters import filter_condition


class PostgresSearchIndex:
    """Queries the catalog tables directly, so there is no separate index to keep in step."""

    def reindex(self, session: Session, title_ids: Iterable[str] | None = None) -> None:
        return None

    def search(self, session: Session, query: str, filters: SearchFilters, limit: int) -> list[SearchHit]:
        tokens = query_tokens(query)
        if not tokens:
            return []
        name_hits = and_(*(_word_prefix(Title.name, t) for t in tokens))
        statement = (
            select(Title)
            .where(filter_condition(filters), and_(*(_matches_anywhere(t) for t in tokens)))
            .order_by(case((name_hits, 0), else_=1), Title.popularity.desc(), Title.id)
            .limit(limit)
        )
        titles = session.scalars(statement).all()
        return [SearchHit(title, classify_match(title, tokens)) for title in titles]


def _word_prefix(column, token: str) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """Case-insensitive: the token starts a word of the column (regex word boundary)."""
    return column.op("~*")(r"\m" + _regex_escape(token))


def _regex_escape(token: str) -> str:
    return "".join("\\" + c if not c.isalnum() and c != "_" else c for c in token)


def _matches_anywhere(token: str) -> ColumnElement[bool]:
    people = (
        select(Credit.title_id)
        .join(Person, Person.id == Credit.person_id)
        .where(_word_prefix(Person.name, token))
    )
    genres = (
        select(title_genres.c.title_id)
        .join(Genre, Genre.id == title_genres.c.genre_id)
        .where(_word_prefix(Genre.name, token))
    )
    tags = select(TitleTag.title_id).where(_word_prefix(TitleTag.tag, token))
    return or_(
        _word_prefix(Title.name, token), Title.id.in_(people), Title.id.in_(genres), Title.id.in_(tags)
    )
