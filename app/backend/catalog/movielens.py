"""Import a MovieLens folder (movies.csv, ratings.csv, tags.csv, links.csv) as catalog + users + ratings.

MovieLens users become profiles of one account; each rating becomes a ``rate`` event, so the
recommender trains on them exactly as it trains on live viewers' events.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.backend.catalog.popularity import refresh_popularity
from app.backend.catalog.writes import NameRegistry, worldwide_licence
from app.backend.db.models import (
    Account,
    Event,
    LicenseWindow,
    Profile,
    Title,
    TitleKind,
    TitleStatus,
    TitleTag,
)
from app.backend.errors import DomainError

ACCOUNT_ID = "movielens"
_YEAR_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<year>\d{4})(?:\s*[-–]\s*\d{0,4}\s*)?\)\s*$")
REQUIRED_FILES = ("movies.csv", "ratings.csv")
BATCH = 20_000


class ImportFailed(DomainError):
    code = "import_failed"


def title_id_for(movie_id: str) -> str:
    return f"ml-{movie_id}"


def profile_id_for(user_id: str) -> str:
    return f"ml-u{user_id}"


def split_title(raw: str) -> tuple[str, int | None]:
    """'Heat (1995)' → ('Heat', 1995); MovieLens also writes 'Matrix, The (1999)' → 'The Matrix'."""
    match = _YEAR_SUFFIX.match(raw.strip())
    name, year = (match["name"], int(match["year"])) if match else (raw.strip(), None)
    for article in ("The", "A", "An", "Les", "La", "Le", "Il", "Das", "Der", "Die", "El"):
        suffix = f", {article}"
        if name.endswith(suffix):
            name = f"{article} {name[: -len(suffix)]}"
            break
    return name, year


def import_movielens(session: Session, folder: Path) -> dict[str, int]:
    """Import everything in one transaction (the caller commits); returns counts of what was added."""
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ImportFailed(f"{folder} is not a MovieLens folder: missing {', '.join(missing)}")
    if session.get(Account, ACCOUNT_ID) is not None:
        raise ImportFailed(
            "a MovieLens dataset is already imported into this database", code="already_imported"
        )
    now = time.time()
    movies = _import_movies(session, folder / "movies.csv", now)
    tags = _import_tags(session, folder / "tags.csv", movies) if (folder / "tags.csv").is_file() else 0
    users, ratings = _import_ratings(session, folder / "ratings.csv", movies)
    refresh_popularity(session, now=_latest_event_time(session) or now)
    return {"titles": len(movies), "profiles": users, "ratings": ratings, "tags": tags}


def _rows(path: Path) -> csv.DictReader:
    return csv.DictReader(path.open(encoding="utf-8", newline=""))


def _import_movies(session: Session, path: Path, now: float) -> set[str]:
    registry = NameRegistry(session)
    existing = set(session.scalars(select(Title.id)))
    imported: set[str] = set()
    in_file: set[str] = set()
    for row in _rows(path):
        try:
            title_id, raw_title, raw_genres = title_id_for(row["movieId"]), row["title"], row["genres"]
        except KeyError as exc:
            raise ImportFailed(f"{path.name} lacks the column {exc}") from None
        in_file.add(title_id)
        if title_id in existing or title_id in imported:
            continue
        name, year = split_title(raw_title)
        genres = [g for g in raw_genres.split("|") if g and g != "(no genres listed)"]
        session.add(
            Title(
                id=title_id,
                kind=TitleKind.MOVIE,
                name=name,
                year=year,
                status=TitleStatus.DRAFT,
                genres=registry.genres(genres),
            )
        )
        imported.add(title_id)
    session.flush()
    session.execute(
        insert(LicenseWindow),
        [
            {"title_id": w.title_id, "region": w.region, "starts_at": w.starts_at, "ends_at": None}
            for w in (worldwide_licence(t, now) for t in imported)
        ],
    )
    return in_file


def _import_tags(session: Session, path: Path, movies: set[str]) -> int:
    counts: Counter[tuple[str, str]] = Counter()
    for row in _rows(path):
        title_id, tag = title_id_for(row["movieId"]), row["tag"].strip().lower()[:100]
        if title_id in movies and tag:
            counts[(title_id, tag)] += 1
    if counts:
        session.execute(
            insert(TitleTag), [{"title_id": t, "tag": tag, "count": n} for (t, tag), n in counts.items()]
        )
    return len(counts)


def _import_ratings(session: Session, path: Path, movies: set[str]) -> tuple[int, int]:
    account = Account(id=ACCOUNT_ID, name="MovieLens users")
    session.add(account)
    users: set[str] = set()
    batch: list[dict] = []
    total = 0
    for row in _rows(path):
        title_id = title_id_for(row["movieId"])
        if title_id not in movies:
            continue
        user = row["userId"]
        if user not in users:
            users.add(user)
            session.add(Profile(id=profile_id_for(user), account_id=ACCOUNT_ID, name=f"MovieLens {user}"))
        batch.append(
            {
                "profile_id": profile_id_for(user),
                "title_id": title_id,
                "type": "rate",
                "value": float(row["rating"]),
                "ts": float(row["timestamp"]),
            }
        )
        if len(batch) >= BATCH:
            total += _flush_events(session, batch)
    total += _flush_events(session, batch)
    return len(users), total


def _flush_events(session: Session, batch: list[dict]) -> int:
    if not batch:
        return 0
    session.flush()  # profiles first, so the events' foreign keys hold
    session.execute(insert(Event), batch)
    count = len(batch)
    batch.clear()
    return count


def _latest_event_time(session: Session) -> float | None:
    return session.scalar(select(func.max(Event.ts)))
