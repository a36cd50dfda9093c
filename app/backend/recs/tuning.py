"""Self-tuning: pick hyper-parameters on a validation split carved out of the training data.

The recommender never sees test data, so it holds out a random share of each user's interactions,
fits on the rest, and keeps the setting with the best NDCG@20 on the held-out positives. The search
walks a log scale (regularisation strengths span orders of magnitude between catalogs) and uses few
fits, which keeps tuning within a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from app.backend.recs.content import ItemContent
from app.backend.recs.data import Feedback
from app.backend.recs.metrics import hit_matrix, ndcg_at, top_k
from app.backend.recs.scorer import Scorer

VALIDATION_SHARE = 0.2
VALIDATION_K = 20
MAX_VALIDATION_USERS = 1500
SEED = 20240611


@dataclass(frozen=True)
class Holdout:
    """Training part of a split and the held-out positives of the users it scores."""

    train: Feedback
    targets: sp.csr_matrix
    users: np.ndarray

    @property
    def train_share(self) -> float:
        return 1.0 - VALIDATION_SHARE

    def ndcg(self, score: Callable[[sp.csr_matrix], np.ndarray], columns: np.ndarray | None = None) -> float:
        """NDCG@20 of ``score`` on the held-out positives, training items excluded from ranking.

        ``score`` gets the users' full training rows; with ``columns`` it returns scores for those
        columns only and only they are ranked (a model that cannot score the other items need not
        pay for ranking them). Targets outside ``columns`` still count as missed.
        """
        rows = self.train.confidence[self.users]
        targets = self.targets[self.users]
        n_relevant = np.diff(targets.indptr)
        if columns is not None:
            targets = targets[:, columns]
        ranked = top_k(score(rows), VALIDATION_K, exclude=rows if columns is None else rows[:, columns])
        return ndcg_at(hit_matrix(ranked, targets), n_relevant, VALIDATION_K)


def make_holdout(feedback: Feedback, seed: int = SEED) -> Holdout | None:
    """Hold out a random ``VALIDATION_SHARE`` of every user's interactions; None if nothing to score."""
    rng = np.random.default_rng(seed)
    matrix = feedback.confidence.tocoo()
    held = rng.random(matrix.nnz) < VALIDATION_SHARE
    counts = np.diff(feedback.confidence.indptr)
    held &= counts[matrix.row] >= 2
    train = sp.csr_matrix((matrix.data[~held], (matrix.row[~held], matrix.col[~held])), shape=matrix.shape)
    liked = held & (matrix.data >= feedback.positive_threshold)
    targets = sp.csr_matrix(
        (np.ones(int(liked.sum()), dtype=np.float32), (matrix.row[liked], matrix.col[liked])),
        shape=matrix.shape,
    )
    users = np.flatnonzero(np.diff(targets.indptr) > 0)
    if users.size == 0:
        return None
    if users.size > MAX_VALIDATION_USERS:
        users = np.sort(rng.choice(users, MAX_VALIDATION_USERS, replace=False))
    return Holdout(Feedback(train, feedback.positive_threshold), targets, users)


def search_log_scale(
    objective: Callable[[float], float], start: float, step: float = 4.0, max_evals: int = 5
) -> float:
    """Maximise ``objective`` over a positive parameter that is roughly unimodal in log space.

    Evaluates ``start / step``, ``start`` and ``start * step``, moves outwards while the best
    point is on the edge (at most ``max_evals`` fits in all), then returns the vertex of the
    parabola through the best point and its neighbours. Three or four fits usually suffice, and
    the parabola both refines between grid points and smooths validation noise.
    """
    values: dict[float, float] = {}
    for exponent in (-1.0, 0.0, 1.0):
        values[exponent] = objective(start * step**exponent)
    while len(values) < max_evals:
        best = max(values, key=values.__getitem__)
        edge = best + 1.0 if best == max(values) else best - 1.0 if best == min(values) else None
        if edge is None:
            break
        values[edge] = objective(start * step**edge)
    best = max(values, key=values.__getitem__)
    left, right = values.get(best - 1.0), values.get(best + 1.0)
    offset = 0.0
    if left is not None and right is not None and left - 2 * values[best] + right < 0:
        offset = float(np.clip(0.5 * (left - right) / (left - 2 * values[best] + right), -0.5, 0.5))
    return float(start * step ** (best + offset))


def tune_parameter(
    make: Callable[[float], Scorer],
    feedback: Feedback,
    content: ItemContent,
    start: float,
    grows_with_data: bool,
) -> float:
    """Tune one parameter by refitting ``make(value)`` on the validation split.

    ``grows_with_data`` marks parameters that grow with the amount of data (ridge strengths): the
    winner is then scaled up for the final fit, which sees 1 / train_share times more of it.
    """
    holdout = make_holdout(feedback)
    if holdout is None:
        return start

    def objective(value: float) -> float:
        scorer = make(value)
        scorer.fit(holdout.train, content)
        return holdout.ndcg(scorer.score)

    best = search_log_scale(objective, start)
    return best / holdout.train_share if grows_with_data else best
