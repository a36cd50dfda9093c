"""The pieces the models rely on: weight reading, the tuning search, metrics and the EASE^R algebra."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
import scipy.sparse as sp

from app.backend.recs.data import build_dataset, confidence_from_weights
from app.backend.recs.ease import ease_weights
from app.backend.recs.metrics import hit_matrix, ndcg_at, recall_at, top_k
from app.backend.recs.tuning import search_log_scale


@dataclass(frozen=True)
class Event:
    user_id: str
    item_id: str
    weight: float
    timestamp: int


def test_plain_watches_are_all_positive_with_full_confidence() -> None:
    confidence, threshold = confidence_from_weights(np.ones(5))
    assert confidence.tolist() == [1.0] * 5 and threshold == 1.0


def test_ratings_scale_to_confidence_and_ambiguous_one_reads_as_a_watch() -> None:
    confidence, threshold = confidence_from_weights(np.array([5.0, 4.0, 2.0, 1.0, 0.5]))
    assert threshold == pytest.approx(0.8)
    assert confidence[0] == 1.0 and confidence[1] >= threshold > confidence[2]
    assert confidence[3] == pytest.approx(np.median([1.0, 0.8, 0.4, 0.1]))
    assert confidence[4] == pytest.approx(0.1)


def test_latest_rating_wins_and_catalog_items_without_events_get_columns() -> None:
    events = [Event("u", "a", 5.0, 10), Event("u", "a", 2.0, 20), Event("u", "b", 4.0, 5)]
    data = build_dataset(events, {"a": None, "b": None, "cold": None})
    row = data.feedback.confidence[data.user_index["u"]].toarray().ravel()
    assert data.item_ids == ["a", "b", "cold"]
    assert row[data.item_index["a"]] == pytest.approx(0.5) and row[data.item_index["cold"]] == 0.0
    assert data.feedback.positive.nnz == 1


def test_log_scale_search_lands_near_the_optimum_from_far_away() -> None:
    calls = []

    def objective(x: float) -> float:
        calls.append(x)
        return -((math.log(x) - math.log(300.0)) ** 2)

    for start in (5.0, 300.0, 20000.0):
        calls.clear()
        found = search_log_scale(objective, start, max_evals=8)
        assert 300.0 / 1.6 < found < 300.0 * 1.6, (start, found)
        assert len(calls) <= 8


def test_ease_weights_solve_the_constrained_ridge_problem() -> None:
    rng = np.random.default_rng(0)
    x = (rng.random((50, 8)) < 0.3).astype(np.float64)
    gram = x.T @ x
    weights = ease_weights(gram, 2.0)
    assert np.allclose(np.diag(weights), 0.0)
    # Stationarity of the Lagrangian: off-diagonal gradient of ||X - XB||^2 + lam ||B||^2 vanishes.
    gradient = (gram + 2.0 * np.eye(8)) @ weights - gram
    off_diagonal = gradient - np.diag(np.diag(gradient))
    assert np.abs(off_diagonal).max() < 1e-4


def test_ranking_metrics_on_a_hand_checked_case() -> None:
    scores = np.array([[0.9, 0.1, 0.8, 0.3], [0.2, 0.4, 0.6, 0.8]])
    seen = sp.csr_matrix(np.array([[1, 0, 0, 0], [0, 0, 0, 0]]))
    ranked = top_k(scores.copy(), 2, exclude=seen)
    assert ranked.tolist() == [[2, 3], [3, 2]]
    relevant = sp.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 0, 0]]))
    hits = hit_matrix(ranked, relevant)
    n_relevant = np.array([2, 1])
    assert recall_at(hits, n_relevant, 2) == pytest.approx((1 / 2 + 0) / 2)
    assert ndcg_at(hits, n_relevant, 2) == pytest.approx((1.0 / (1 + 1 / math.log2(3)) + 0) / 2)
