"""The searchable text of a title, gathered from its credits, genres and tags as folded words."""

from __future__ import annotations

from dataclasses import dataclass

from app.backend.db.models import Title
from app.backend.search.text import words

# Relative weight of each field in relevance, in document order; both databases derive theirs from it.
FIELD_WEIGHTS = {"name": 10.0, "people": 3.0, "genres": 2.0, "tags": 1.0}


@dataclass(frozen=True)
class SearchDocument:
    title_id: str
    name: tuple[str, ...]
    people: tuple[str, ...]
    genres: tuple[str, ...]
    tags: tuple[str, ...]

    def fields(self) -> tuple[tuple[str, ...], ...]:
        """Field words in :data:`FIELD_WEIGHTS` order."""
        return (self.name, self.people, self.genres, self.tags)


def document_for(title: Title) -> SearchDocument:
    return SearchDocument(
        title_id=title.id,
        name=tuple(words(title.name)),
        people=tuple(w for c in title.credits for w in words(c.person.name)),
        genres=tuple(w for g in title.genres for w in words(g.name)),
        tags=tuple(w for t in title.tags for w in words(t.tag)),
    )
