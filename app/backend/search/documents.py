"""The searchable text of a title, gathered from its credits, genres and tags."""

from __future__ import annotations

from dataclasses import dataclass

from app.backend.db.models import Title


@dataclass(frozen=True)
class SearchDocument:
    title_id: str
    name: str
    people: str
    genres: str
    tags: str


def document_for(title: Title) -> SearchDocument:
    return SearchDocument(
        title_id=title.id,
        name=title.name,
        people=" ".join(c.person.name for c in title.credits),
        genres=" ".join(g.name for g in title.genres),
        tags=" ".join(t.tag for t in title.tags),
    )
