"""MovieLens loading and the per-user random holdout split used by the recommender benchmark.

Research data under /work/shared (see its SOURCE.md): the benchmark and tests read it, the app never does.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_DIR = Path("/work/shared/data/movielens/ml-latest-small")
POSITIVE_RATING = 4.0
_YEAR = re.compile(r"\((\d{4})\)\s*$")


@dataclass(frozen=True)
class Rating:
    """One rating, shaped like the recommender contract's interaction."""

    user_id: str
    item_id: str
    weight: float
    timestamp: int


@dataclass(frozen=True)
class Movie:
    """One catalog entry, shaped like the recommender contract's item."""

    title: str
    genres: tuple[str, ...]
    year: int | None


@dataclass(frozen=True)
class Split:
    """Training ratings (all values) and, per test user, the held-out items rated >= 4."""

    train: list[Rating]
    test_positives: dict[str, set[str]]


def load_movies(folder: Path = DEFAULT_DIR) -> dict[str, Movie]:
    """movies.csv as catalog items; the year comes from the "(1995)" suffix of the title."""
    with open(folder / "movies.csv", newline="", encoding="utf-8") as handle:
        movies = {}
        for row in csv.DictReader(handle):
            year = _YEAR.search(row["title"])
            genres = tuple(g for g in row["genres"].split("|") if g and g != "(no genres listed)")
            movies[row["movieId"]] = Movie(row["title"], genres, int(year.group(1)) if year else None)
        return movies


def load_ratings(folder: Path = DEFAULT_DIR) -> list[Rating]:
    """ratings.csv in file order, ids kept as strings as the contract has them."""
    with open(folder / "ratings.csv", newline="", encoding="utf-8") as handle:
        return [
            Rating(row["userId"], row["movieId"], float(row["rating"]), int(row["timestamp"]))
            for row in csv.DictReader(handle)
        ]


def subsample_users(ratings: list[Rating], share: float, seed: int) -> list[Rating]:
    """Keep a seeded random ``share`` of the users with all their ratings."""
    users = sorted({r.user_id for r in ratings})
    rng = np.random.default_rng(seed)
    kept = set(rng.choice(users, max(1, round(share * len(users))), replace=False).tolist())
    return [r for r in ratings if r.user_id in kept]


def split_per_user(ratings: list[Rating], test_share: float, seed: int) -> Split:
    """Seeded random holdout of ``test_share`` of each user's ratings (all values).

    Train keeps every remaining rating with its value; test keeps only the held-out ratings >= 4,
    and users with none are not evaluated.
    """
    rng = np.random.default_rng(seed)
    by_user: dict[str, list[Rating]] = {}
    for rating in ratings:
        by_user.setdefault(rating.user_id, []).append(rating)
    train: list[Rating] = []
    test: dict[str, set[str]] = {}
    for user in sorted(by_user):
        history = by_user[user]
        order = rng.permutation(len(history))
        n_test = round(test_share * len(history))
        held = [history[i] for i in order[:n_test]]
        train.extend(history[i] for i in order[n_test:])
        liked = {r.item_id for r in held if r.weight >= POSITIVE_RATING}
        if liked:
            test[user] = liked
    return Split(train, test)
