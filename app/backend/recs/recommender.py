"""The id-level recommender the backend uses: wraps one model family behind the fixed contract.

It owns what every model shares: id <-> index mapping, never returning seen items, popularity
cold start (optionally steered by genre-quiz answers), "because you watched" neighbours and a
match score in [0, 1]. Models only turn histories into scores (:class:`~.scorer.Scorer`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from app.backend.recs.data import Dataset, Interaction, build_dataset
from app.backend.recs.metrics import top_k
from app.backend.recs.popular import popularity
from app.backend.recs.scorer import Scorer

# Popularity breaks ties (e.g. items a model cannot score at all) without reordering real scores.
_TIE_BREAK = 1e-6


class Recommender:
    """``fit`` on interactions and catalog items, then serve ranked item ids per user."""

    def __init__(self, name: str, make_scorer: Callable[[], Scorer]) -> None:
        self.name = name
        self._make_scorer = make_scorer
        self._data: Dataset | None = None
        self._scorer: Scorer | None = None
        self._popularity = np.zeros(0)

    def fit(self, interactions: Iterable[Interaction], items: Mapping[str, Any]) -> None:
        """Build the matrices and fit (and self-tune) the model; replaces any previous fit."""
        data = build_dataset(interactions, items)
        scorer = self._make_scorer()
        scorer.fit(data.feedback, data.content)
        pop = popularity(data.feedback)
        self._popularity = np.log1p(pop) / max(np.log1p(pop.max(initial=0.0)), 1e-9)
        self._data, self._scorer = data, scorer

    def recommend(
        self, user_id: str, k: int, exclude_seen: bool = True, seed_genres: Iterable[str] | None = None
    ) -> list[str]:
        """Up to ``k`` distinct item ids, best first.

        Unknown users get the genre-quiz ranking when ``seed_genres`` is given, else the most
        popular items. With ``exclude_seen`` no item the user interacted with is returned.
        """
        data, _ = self._fitted()
        row = data.user_index.get(user_id)
        if row is None:
            return (
                self.recommend_for_genres(seed_genres, k) if seed_genres else self._top(self._popularity, k)
            )
        history = data.feedback.confidence[row]
        scores = self._user_scores(row)
        if exclude_seen:
            scores[history.indices] = -np.inf
        return self._top(scores, k)

    def recommend_for_genres(self, genres: Iterable[str], k: int) -> list[str]:
        """Cold start from a genre quiz: popular items weighted by the share of chosen genres they carry."""
        data, _ = self._fitted()
        wanted = {g.lower() for g in genres}
        if not wanted:
            return self._top(self._popularity, k)
        coverage = np.array([len(g & wanted) / len(wanted) for g in data.content.genres])
        return self._top(coverage * self._popularity, k)

    def similar_items(self, item_id: str, k: int) -> list[str]:
        """Items to show in a "Because you watched X" row; content neighbours for items without data."""
        data, scorer = self._fitted()
        item = data.item_index.get(item_id)
        if item is None:
            return []
        scores = scorer.similar(item)
        if scores is None:
            features = data.content.features
            scores = (features @ features[item].T).toarray().ravel()
        scores = np.asarray(scores, dtype=np.float64).copy()
        scores[item] = -np.inf
        return self._top(scores, k)

    def score_items(self, user_id: str, item_ids: Iterable[str]) -> list[float]:
        """Match score in [0, 1] per item: the share of the catalog this user's model ranks below it.

        A percentile is comparable across users and models (raw scores are not), which is what a
        "92% match" badge needs; unknown users are ranked by popularity, unknown items score 0.
        """
        data, _ = self._fitted()
        row = data.user_index.get(user_id)
        scores = self._popularity if row is None else self._user_scores(row)
        ordered = np.sort(scores)
        denominator = max(len(scores) - 1, 1)
        positions = (data.item_index.get(item_id) for item_id in item_ids)
        return [
            0.0 if item is None else float(np.searchsorted(ordered, scores[item], side="left")) / denominator
            for item in positions
        ]

    def _user_scores(self, row: int) -> np.ndarray:
        data, scorer = self._fitted()
        return scorer.score(data.feedback.confidence[row]).astype(np.float64).ravel()

    def _top(self, scores: np.ndarray, k: int) -> list[str]:
        data, _ = self._fitted()
        if k <= 0:
            return []
        ranked = top_k((scores + _TIE_BREAK * self._popularity)[None, :], k)[0]
        return [data.item_ids[i] for i in ranked if np.isfinite(scores[i])]

    def _fitted(self) -> tuple[Dataset, Scorer]:
        if self._data is None or self._scorer is None:
            raise RuntimeError(f"recommender {self.name!r} is not fitted; call fit() first")
        return self._data, self._scorer
