"""The texts of a title besides its name (people, genres, tags), fetched only for hits that need them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import Session

from app.backend.db.models import Credit, Genre, Person, TitleTag
from app.backend.db.models.catalog import title_genres
from app.backend.search.base import FIELD_ORDER, FieldName

SideTexts = dict[str, list[tuple[FieldName, str]]]


def side_texts(session: Session, title_ids: Collection[str]) -> SideTexts:
    """People, genres and tags of these titles (each kind sorted by text), in one round trip."""
    if not title_ids:
        return {}
    people = (
        select(Credit.title_id, literal("person"), Person.name)
        .join(Person, Person.id == Credit.person_id)
        .where(Credit.title_id.in_(title_ids))
    )
    genres = (
        select(title_genres.c.title_id, literal("genre"), Genre.name)
        .join(Genre, Genre.id == title_genres.c.genre_id)
        .where(title_genres.c.title_id.in_(title_ids))
    )
    tags = select(TitleTag.title_id, literal("tag"), TitleTag.tag).where(TitleTag.title_id.in_(title_ids))
    texts: SideTexts = defaultdict(list)
    rows = session.connection().execute(union_all(people, genres, tags)).all()
    for title_id, field, text in sorted(rows, key=lambda row: (FIELD_ORDER.index(row[1]), row[2])):
        texts[title_id].append((field, text))
    return texts
