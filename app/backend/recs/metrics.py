"""Top-N ranking metrics shared by the self-tuning code and the offline benchmark.

Recall@k is normalised by ``min(k, |relevant|)`` as in the EASE^R / VAE-CF papers, so a user with
more relevant items than ``k`` can still reach 1.0. NDCG@k uses binary gains.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def top_k(scores: np.ndarray, k: int, exclude: sp.csr_matrix | None = None) -> np.ndarray:
    """Column indices of the ``k`` best scores per row, best first, skipping ``exclude``'s entries.

    Excluded entries are set to -inf in place (callers pass scratch arrays); a row with fewer than
    ``k`` allowed items still returns ``k`` columns, the tail being excluded ones at -inf.
    """
    if exclude is not None:
        rows, cols = exclude.nonzero()
        scores[rows, cols] = -np.inf
    k = min(k, scores.shape[1])
    if k == 0:
        return np.zeros((scores.shape[0], 0), dtype=np.int64)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def hit_matrix(ranked: np.ndarray, relevant: sp.csr_matrix) -> np.ndarray:
    """Boolean matrix: is ``ranked[u, j]`` relevant for row ``u``. Negative entries are padding."""
    width = relevant.shape[1]
    rows = np.repeat(np.arange(relevant.shape[0]), np.diff(relevant.indptr))
    wanted = rows * width + relevant.indices
    keys = np.arange(ranked.shape[0])[:, None] * width + ranked
    return np.isin(keys, wanted) & (ranked >= 0)


def recall_at(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> float:
    """Mean over rows of hits in the top ``k`` divided by ``min(k, |relevant|)``."""
    return float(np.mean(hits[:, :k].sum(axis=1) / np.minimum(k, n_relevant)))


def ndcg_at(hits: np.ndarray, n_relevant: np.ndarray, k: int) -> float:
    """Mean binary-gain NDCG@k; the ideal ranking puts ``min(k, |relevant|)`` hits first."""
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits[:, :k] * discount[: hits[:, :k].shape[1]]).sum(axis=1)
    ideal = np.cumsum(discount)[np.minimum(k, n_relevant) - 1]
    return float(np.mean(dcg / ideal))
