"""The recommender contract and the behaviours the home page relies on, on tiny synthetic data.

Two taste clusters ("space" and "romance" titles) make correct answers unambiguous: a model that
learned anything must keep a space fan inside the space cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from app.backend.recs import available_recommenders, create_recommender
from app.backend.recs.recommender import Recommender

CLUSTER_SIZE = 20
SPACE = [f"s{n}" for n in range(CLUSTER_SIZE)]
ROMANCE = [f"r{n}" for n in range(CLUSTER_SIZE)]
COLD_SPACE = "s-new"  # a catalog item nobody has interacted with yet


@dataclass(frozen=True)
class Event:
    user_id: str
    item_id: str
    weight: float
    timestamp: int


@dataclass(frozen=True)
class Item:
    title: str
    genres: tuple[str, ...]
    year: int | None


def catalog() -> dict[str, Item]:
    items = {i: Item(f"Star Voyage {i}", ("Sci-Fi", "Adventure"), 1990) for i in SPACE}
    items |= {i: Item(f"Paris Hearts {i}", ("Romance", "Drama"), 2005) for i in ROMANCE}
    items[COLD_SPACE] = Item("Star Voyage Returns", ("Sci-Fi", "Adventure"), 1991)
    return items


def clustered_events(seed: int = 7) -> tuple[list[Event], dict[str, set[str]]]:
    """Each user rates 12 titles of their own cluster highly and one of the other cluster low.

    Romance has more fans, so every romance title is more popular than any space title and a
    popularity ranking is wrong for space fans. Returns the events and, per user, 3 held-back
    liked titles of their cluster that a good model should find.
    """
    rng = np.random.default_rng(seed)
    events: list[Event] = []
    held: dict[str, set[str]] = {}
    clock = 1_600_000_000
    for cluster, other, tag, fans in ((SPACE, ROMANCE, "space", 24), (ROMANCE, SPACE, "romance", 36)):
        for n in range(fans):
            user = f"{tag}-{n}"
            liked = rng.choice(CLUSTER_SIZE, 15, replace=False)
            held[user] = {cluster[i] for i in liked[:3]}
            for i in liked[3:]:
                clock += 60
                events.append(Event(user, cluster[i], float(rng.choice([4.0, 4.5, 5.0])), clock))
            events.append(Event(user, other[int(rng.integers(CLUSTER_SIZE))], 2.0, clock + 1))
    return events, held


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return clustered_events()[0]


@pytest.fixture(scope="module")
def fitted(events: list[Event]) -> dict[str, Recommender]:
    models = {}
    for name in available_recommenders():
        model = create_recommender(name)
        model.fit(events, catalog())
        models[name] = model
    return models


def test_registry_names_default_and_popular_and_rejects_unknown() -> None:
    names = available_recommenders()
    assert names[0] == "default"
    assert {"default", "popular", "itemknn", "ials", "ease"} <= set(names)
    with pytest.raises(ValueError, match="unknown recommender"):
        create_recommender("nope")


def test_unfitted_recommender_says_so() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        create_recommender().recommend("u", 5)


@pytest.mark.parametrize("name", available_recommenders())
def test_recommend_honours_k_distinctness_and_exclude_seen(name: str, fitted, events) -> None:
    model = fitted[name]
    seen = {e.item_id for e in events if e.user_id == "space-0"}
    for k in (0, 1, 7, 500):
        ranked = model.recommend("space-0", k)
        assert len(ranked) == len(set(ranked)) <= k
        assert not seen & set(ranked)
        assert set(ranked) <= set(catalog())
    assert len(model.recommend("space-0", 500)) == len(catalog()) - len(seen)
    with_seen = model.recommend("space-0", 500, exclude_seen=False)
    assert len(with_seen) == len(catalog()) and seen <= set(with_seen)


@pytest.mark.parametrize("name", ["default", "itemknn", "ials", "ease"])
def test_space_fan_gets_space_titles(name: str, fitted) -> None:
    for user in ("space-3", "space-11"):
        top = fitted[name].recommend(user, 3)
        assert all(item.startswith("s") for item in top), top


def test_unknown_user_gets_most_popular_titles(fitted, events) -> None:
    likes: dict[str, int] = {}
    for e in events:
        likes[e.item_id] = likes.get(e.item_id, 0) + (e.weight >= 4)
    most_liked = max(likes, key=likes.__getitem__)
    cold = fitted["default"].recommend("someone-new", 5)
    assert cold == fitted["popular"].recommend("someone-new", 5)
    assert cold[0] == most_liked and all(item.startswith("r") for item in cold)


def test_genre_quiz_steers_cold_start(fitted) -> None:
    top = fitted["default"].recommend("someone-new", 5, seed_genres=["sci-fi"])
    assert top and all(item.startswith("s") for item in top)
    assert fitted["default"].recommend_for_genres(["Romance"], 5)[0].startswith("r")


def test_default_beats_popular_on_held_back_likes() -> None:
    events, held = clustered_events(seed=11)
    recall = {}
    for name in ("default", "popular"):
        model = create_recommender(name)
        model.fit(events, catalog())
        recall[name] = np.mean([len(set(model.recommend(u, 5)) & liked) / 3 for u, liked in held.items()])
    assert recall["default"] > 1.3 * recall["popular"], recall


def test_similar_items_stay_in_cluster_also_for_cold_titles(fitted) -> None:
    for name in available_recommenders():
        assert fitted[name].similar_items("unknown-item", 3) == []
        similar = fitted[name].similar_items("s1", 5)
        assert "s1" not in similar and len(similar) == 5
        if name != "popular":
            assert all(item.startswith("s") for item in similar), (name, similar)
    cold_neighbours = fitted["default"].similar_items(COLD_SPACE, 5)
    assert all(item.startswith("s") for item in cold_neighbours)


def test_match_scores_are_percentiles_ordering_clusters(fitted) -> None:
    space, romance, unknown = fitted["default"].score_items("space-3", ["s19", "r19", "missing"])
    assert 0.0 <= romance < space <= 1.0 and unknown == 0.0


def test_cold_title_outranks_other_cluster_for_fans(fitted) -> None:
    """A never-watched title is still placed by its content neighbours' collaborative scores."""
    ranked = fitted["default"].recommend("space-5", 100)
    assert ranked.index(COLD_SPACE) < min(ranked.index(r) for r in ROMANCE if r in ranked)


@pytest.mark.parametrize("name", available_recommenders())
def test_a_tiny_catalog_still_fits_and_serves(name: str) -> None:
    """Too little data for any model to learn from must degrade to popularity, not crash."""
    events = [Event("a", "s1", 5.0, 1), Event("a", "s2", 3.0, 2), Event("b", "s1", 4.0, 3)]
    model = create_recommender(name)
    model.fit(events, {"s1": catalog()["s1"], "s2": catalog()["s2"], "r1": catalog()["r1"]})
    assert set(model.recommend("b", 5)) == {"s2", "r1"}
    assert model.recommend("a", 5) == ["r1"]
    assert model.recommend("new", 2) == ["s1", "s2"]
