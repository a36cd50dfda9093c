"""Write-side helpers shared by uploads, the demo seed and importers."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backend.db.models import Genre, LicenseWindow, Person


class NameRegistry:
    """Get-or-create genres and people by name, remembering them so bulk imports query once each."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._genres = {g.name: g for g in session.scalars(select(Genre))}
        self._people: dict[str, Person] = {}

    def genres(self, names: Iterable[str]) -> list[Genre]:
        found: list[Genre] = []
        for name in dict.fromkeys(n.strip() for n in names if n.strip()):
            genre = self._genres.get(name)
            if genre is None:
                genre = self._genres[name] = Genre(name=name)
                self._session.add(genre)
            found.append(genre)
        return found

    def person(self, name: str) -> Person:
        person = self._people.get(name)
        if person is None:
            person = self._session.scalar(select(Person).where(Person.name == name)) or Person(name=name)
            self._session.add(person)
            self._people[name] = person
        return person


def worldwide_licence(title_id: str, starts_at: float) -> LicenseWindow:
    return LicenseWindow(title_id=title_id, region="*", starts_at=starts_at, ends_at=None)
