"""One end-to-end check on real data: a subsample of ml-latest-small, skipped where it is absent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.backend.recs import create_recommender

ML_SMALL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "movielens" / "ml-latest-small"


@pytest.mark.skipif(not (ML_SMALL / "ratings.csv").is_file(), reason="shared MovieLens data is not present")
def test_default_beats_popular_on_a_movielens_subsample() -> None:
    from bench._movielens import load_movies, load_ratings, split_per_user, subsample_users

    split = split_per_user(subsample_users(load_ratings(ML_SMALL), 0.25, seed=3), 0.2, seed=3)
    movies = load_movies(ML_SMALL)
    recall = {}
    for name in ("default", "popular"):
        model = create_recommender(name)
        model.fit(split.train, movies)
        recall[name] = np.mean(
            [
                len(set(model.recommend(u, 20)) & liked) / min(20, len(liked))
                for u, liked in split.test_positives.items()
            ]
        )
    assert recall["default"] > 1.3 * recall["popular"], recall
