"""Demo content generated locally on first start: a plausible catalog, household and viewing history.

Everything is derived from a seeded random generator, so two first starts produce the same catalog
and tests can rely on it; nothing is downloaded and no third-party dataset is shipped.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.backend.catalog.popularity import refresh_popularity
from app.backend.catalog.writes import NameRegistry, worldwide_licence
from app.backend.db.models import (
    Account,
    Credit,
    Episode,
    Event,
    LicenseWindow,
    Profile,
    Season,
    Title,
    TitleKind,
    TitleStatus,
)

GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
    "Sports",
)
_ADJECTIVES = (
    "Silent",
    "Crimson",
    "Hidden",
    "Last",
    "Broken",
    "Golden",
    "Midnight",
    "Forgotten",
    "Electric",
    "Frozen",
    "Wild",
    "Distant",
    "Burning",
    "Quiet",
    "Endless",
    "Hollow",
    "Savage",
    "Velvet",
    "Iron",
    "Paper",
)
_NOUNS = (
    "Harbor",
    "Protocol",
    "Kingdom",
    "Signal",
    "Garden",
    "Empire",
    "River",
    "Horizon",
    "Witness",
    "Orchard",
    "Frontier",
    "Lantern",
    "Machine",
    "Verdict",
    "Tide",
    "Summit",
    "Circus",
    "Archive",
    "Compass",
    "Citadel",
)
_PLACES = (
    "Lisbon",
    "Mars",
    "Nowhere",
    "Avalon",
    "Tokyo",
    "the North",
    "Sector 9",
    "Elm Street",
    "Paris",
    "Oz",
)
_FIRST = (
    "Ava",
    "Liam",
    "Maya",
    "Noah",
    "Zoe",
    "Ethan",
    "Lena",
    "Omar",
    "Iris",
    "Hugo",
    "Nina",
    "Theo",
    "Sofia",
    "Ravi",
    "Clara",
    "Jonas",
    "Amara",
    "Felix",
    "Yuki",
    "Mateo",
    "Elena",
    "Kofi",
    "Ingrid",
    "Diego",
)
_LAST = (
    "Moreau",
    "Okafor",
    "Lindqvist",
    "Tanaka",
    "Rossi",
    "Novak",
    "Haddad",
    "Fischer",
    "Silva",
    "Kowalski",
    "Byrne",
    "Mendes",
    "Ivanova",
    "Clarke",
    "Dubois",
    "Nakamura",
    "Osei",
    "Larsen",
    "Costa",
    "Weber",
)
_REGIONS = ("US", "GB", "DE", "FR", "JP", "BR", "IN")
_MATURITY = (0, 7, 7, 13, 13, 13, 16, 16, 18)
DAY_S = 24 * 3600


@dataclass(frozen=True)
class HouseholdProfile:
    profile_id: str
    name: str
    maturity: int
    region: str


HOUSEHOLD = (
    HouseholdProfile("alex", "Alex", 18, "US"),
    HouseholdProfile("sam", "Sam", 16, "GB"),
    HouseholdProfile("kids", "Kids", 7, "US"),
)
SYNTHETIC_VIEWERS = 120


def demo_is_seeded(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Title)) or 0) > 0


def seed_demo_content(session: Session, n_titles: int, seed: int = 7, now: float | None = None) -> list[str]:
    """Create titles, people, licences, a household with profiles and synthetic viewing history.

    Returns the ids of the created titles; the caller commits and refreshes the search index.
    """
    rng = random.Random(seed)
    moment = time.time() if now is None else now
    registry = NameRegistry(session)
    names: set[str] = set()
    titles = [_make_title(rng, registry, index, moment, names) for index in range(n_titles)]
    session.add_all(titles)
    session.flush()
    for title in titles:
        _licence(session, rng, title.id, moment)
    _add_household(session, moment)
    _add_viewing_history(session, rng, [t for t in titles if t.kind == TitleKind.MOVIE or t.seasons], moment)
    refresh_popularity(session, now=moment)
    return [t.id for t in titles] + [e.title_id for t in titles for s in t.seasons for e in s.episodes]


def _make_title(rng: random.Random, registry: NameRegistry, index: int, now: float, taken: set[str]) -> Title:
    is_series = rng.random() < 0.15
    genres = rng.sample(GENRES, k=rng.choice((1, 2, 2, 3)))
    name = _title_name(rng, index)
    while name in taken:  # a catalog with two titles of one name confuses viewers and search
        name = _title_name(rng, index + rng.randint(1, 4))
    taken.add(name)
    title = Title(
        id=f"demo-{index:04d}",
        kind=TitleKind.SERIES if is_series else TitleKind.MOVIE,
        name=name,
        synopsis=_synopsis(rng, genres),
        year=rng.choice(range(1965, 2027)) if rng.random() < 0.6 else rng.choice(range(2018, 2027)),
        maturity_rating=0 if "Family" in genres or "Animation" in genres else rng.choice(_MATURITY),
        duration_s=0.0 if is_series else float(rng.randint(80, 160) * 60),
        status=TitleStatus.DRAFT,
        genres=registry.genres(genres),
        created_at=now - rng.uniform(0, 400) * DAY_S,
    )
    people = {_person_name(rng) for _ in range(rng.randint(3, 6))}
    director, *cast = sorted(people)
    title.credits = [Credit(person=registry.person(director), role="director", position=0)] + [
        Credit(person=registry.person(actor), role="cast", character=_person_name(rng), position=i)
        for i, actor in enumerate(cast)
    ]
    if is_series:
        title.seasons = [_season(rng, title, number) for number in range(1, rng.randint(1, 3) + 1)]
    return title


def _season(rng: random.Random, series: Title, number: int) -> Season:
    season = Season(number=number, name=f"Season {number}")
    season.episodes = [
        Episode(
            number=n,
            title=Title(
                id=f"{series.id}-s{number}e{n}",
                kind=TitleKind.EPISODE,
                name=f"{series.name}: {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}",
                synopsis="",
                year=series.year,
                maturity_rating=series.maturity_rating,
                duration_s=float(rng.randint(22, 58) * 60),
                status=TitleStatus.DRAFT,
            ),
        )
        for n in range(1, rng.randint(3, 8) + 1)
    ]
    return season


def _title_name(rng: random.Random, index: int) -> str:
    adjective, noun, place = rng.choice(_ADJECTIVES), rng.choice(_NOUNS), rng.choice(_PLACES)
    pattern = index % 5
    if pattern == 0:
        return f"The {adjective} {noun}"
    if pattern == 1:
        return f"{noun} of {place}"
    if pattern == 2:
        return f"{adjective} {noun}"
    if pattern == 3:
        return f"The {noun} in {place}"
    return f"{adjective} {noun} {rng.randint(2, 4)}"


def _synopsis(rng: random.Random, genres: Sequence[str]) -> str:
    hero = _person_name(rng).split()[0]
    kinds = " and ".join(g.lower() for g in genres)
    article = "An" if kinds[0] in "aeiou" else "A"
    return (
        f"{article} {kinds} story: {hero} must face the "
        f"{rng.choice(_ADJECTIVES).lower()} {rng.choice(_NOUNS).lower()} before it is too late."
    )


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _licence(session: Session, rng: random.Random, title_id: str, now: float) -> None:
    """Most titles are worldwide; some are regional, a few expired or not yet released."""
    roll = rng.random()
    if roll < 0.75:
        session.add(worldwide_licence(title_id, now - 365 * DAY_S))
    elif roll < 0.92:
        for region in rng.sample(_REGIONS, k=rng.randint(1, 3)):
            session.add(
                LicenseWindow(title_id=title_id, region=region, starts_at=now - 90 * DAY_S, ends_at=None)
            )
    elif roll < 0.96:
        session.add(
            LicenseWindow(title_id=title_id, region="*", starts_at=now - 400 * DAY_S, ends_at=now - DAY_S)
        )
    else:
        session.add(LicenseWindow(title_id=title_id, region="*", starts_at=now + 30 * DAY_S, ends_at=None))


def _add_household(session: Session, now: float) -> None:
    account = Account(id="demo-household", name="Demo household", created_at=now)
    account.profiles = [
        Profile(id=p.profile_id, name=p.name, maturity=p.maturity, region=p.region) for p in HOUSEHOLD
    ]
    session.add(account)


def _add_viewing_history(session: Session, rng: random.Random, titles: list[Title], now: float) -> None:
    """Synthetic viewers with genre tastes watch, finish and rate titles over the last 60 days."""
    audience = Account(id="demo-audience", name="Synthetic audience", created_at=now + 1)
    audience.profiles = [
        Profile(id=f"viewer-{i:03d}", name=f"Viewer {i}", maturity=18, region=rng.choice(_REGIONS))
        for i in range(SYNTHETIC_VIEWERS)
    ]
    session.add(audience)
    session.flush()
    appeal = {t.id: rng.paretovariate(1.2) for t in titles}
    # The household's adults have a real history (personal rows from the first start); Kids starts cold.
    viewers = [(p.profile_id, 30) for p in HOUSEHOLD[:2]] + [(p.id, 25) for p in audience.profiles]
    rows: list[dict] = []
    for viewer, most in viewers:
        liked = set(rng.sample(GENRES, k=3))
        weights = [appeal[t.id] * (4.0 if liked & {g.name for g in t.genres} else 0.5) for t in titles]
        picked = set(rng.choices(titles, weights=weights, k=rng.randint(max(8, most - 20), most)))
        for title in sorted(picked, key=lambda t: t.id):  # sets of objects iterate in a random order
            at = now - rng.uniform(0, 60) * DAY_S
            rows.append({"profile_id": viewer, "title_id": title.id, "type": "play", "value": 0.0, "ts": at})
            if rng.random() < 0.7:
                rows.append(
                    {
                        "profile_id": viewer,
                        "title_id": title.id,
                        "type": "finish",
                        "value": None,
                        "ts": at + 5400,
                    }
                )
            if rng.random() < 0.4:
                stars = 5.0 if liked & {g.name for g in title.genres} else float(rng.randint(1, 4))
                rows.append(
                    {
                        "profile_id": viewer,
                        "title_id": title.id,
                        "type": "rate",
                        "value": stars,
                        "ts": at + 5500,
                    }
                )
    session.execute(insert(Event), rows)
