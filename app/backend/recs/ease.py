"""EASE^R (Steck, 2019): a closed-form item-item linear autoencoder, our strongest model family.

``B = argmin ||X - XB||^2 + lambda ||B||^2  s.t. diag(B) = 0`` has the solution
``B = I - P diag(1 / diag(P))`` with ``P = (X^T X + lambda I)^-1``: one dense inverse, no
iterations, and it is the best published model on MovieLens-sized data.

Why the knobs:

* The inverse costs O(n^3) in the number of modelled items, so only the ``max_items`` most
  interacted items with at least ``min_count`` interactions are modelled (rare items barely move
  ranking metrics). The rest of the catalog, including items nobody has touched, is scored through
  its content neighbours among the modelled items, shrunk by ``tail_shrink`` because that guess is
  weaker than a collaborative score.
* ``lam`` is tuned on a validation split when left as ``None`` (see :mod:`.tuning`); one Gram
  matrix serves every candidate, so each candidate costs one Cholesky inverse.
* ``positives_only`` gives the textbook baseline (binary "liked" matrix); the default reads
  confidence-weighted interactions, low ratings included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

from app.backend.recs.content import ItemContent
from app.backend.recs.data import Feedback
from app.backend.recs.tuning import make_holdout, search_log_scale

# A first guess of lambda relative to the mean item Gram diagonal; tuning moves from there.
LAMBDA_START_PER_DIAGONAL = 20.0
_MIRROR_BLOCK = 512


def gram(matrix: sp.csr_matrix) -> np.ndarray:
    """Dense X^T X in float32: the inverse is the fit's whole cost and single precision halves it."""
    return (matrix.T @ matrix).toarray().astype(np.float32, copy=False)


def _regularised_inverse(gram_matrix: np.ndarray, lam: float) -> np.ndarray:
    """Lower triangle of ``(G + lam I)^-1`` by Cholesky (potrf + potri: a third of a general inverse).

    Single precision is ample once lambda is on the diagonal; if the factorisation still fails
    (a tiny lambda on a near-singular Gram) it is redone in double precision.
    """
    for dtype, potrf, potri in (
        (np.float32, lapack.spotrf, lapack.spotri),
        (np.float64, lapack.dpotrf, lapack.dpotri),
    ):
        regularised = gram_matrix.astype(dtype)
        regularised[np.diag_indices_from(regularised)] += lam
        factor, info = potrf(regularised, lower=1, overwrite_a=1)
        if info == 0:
            return potri(factor, lower=1, overwrite_c=1)[0]
    raise np.linalg.LinAlgError(f"Gram matrix plus {lam} I is not positive definite")


def _mirror_lower(matrix: np.ndarray) -> np.ndarray:
    """Copy the lower triangle over the upper one in place, in blocks (np.tril on the whole
    matrix builds an n x n mask and was a third of the fit time at 6000 items)."""
    n = matrix.shape[0]
    for start in range(0, n, _MIRROR_BLOCK):
        stop = min(start + _MIRROR_BLOCK, n)
        block = matrix[start:stop, start:stop]
        block[...] = np.tril(block) + np.tril(block, -1).T
        matrix[start:stop, stop:] = matrix[stop:, start:stop].T
    return matrix


def ease_weights(gram_matrix: np.ndarray, lam: float) -> np.ndarray:
    """Closed-form EASE^R item-item weights for one lambda (zero diagonal)."""
    # LAPACK hands back Fortran order; the transpose of the symmetric result is the same matrix in
    # C order, so scoring (which reads rows) stays cache-friendly without a copy.
    inverse = _mirror_lower(_regularised_inverse(gram_matrix, lam)).T
    inverse /= -np.diag(inverse)
    np.fill_diagonal(inverse, 0.0)
    return inverse.astype(np.float32, copy=False)


def modelled_items(matrix: sp.csr_matrix, min_count: int, max_items: int) -> np.ndarray:
    """Columns worth a place in the dense model: the most interacted, at least ``min_count`` times."""
    counts = np.diff(matrix.tocsc().indptr)
    eligible = np.flatnonzero(counts >= min_count)
    if eligible.size > max_items:
        eligible = eligible[np.argsort(-counts[eligible], kind="stable")[:max_items]]
    return np.sort(eligible)


@dataclass
class Ease:
    """EASE^R scorer over the modelled items plus content-neighbour scores for the rest."""

    lam: float | None = None
    positives_only: bool = False
    min_count: int = 5
    max_items: int = 5000
    tail_neighbours: int = 20
    tail_shrink: float = 0.5
    _items: np.ndarray = field(init=False, repr=False)
    _weights: np.ndarray = field(init=False, repr=False)
    _tail: sp.csr_matrix | None = field(init=False, repr=False, default=None)
    _tail_rows: np.ndarray = field(init=False, repr=False)
    _threshold: float = field(init=False, repr=False, default=0.0)
    _n_items: int = field(init=False, repr=False, default=0)

    def fit(self, feedback: Feedback, content: ItemContent) -> None:
        self._threshold = feedback.positive_threshold
        self._n_items = feedback.shape[1]
        self._items = modelled_items(feedback.confidence, self.min_count, self.max_items)
        if self.lam is None:
            self.lam = self._tuned_lambda(feedback)
        self._weights = (
            ease_weights(gram(self._inputs(feedback.confidence)), self.lam)
            if self._items.size
            else np.zeros((0, 0), dtype=np.float32)
        )
        tail = np.setdiff1d(np.arange(self._n_items), self._items)
        self._tail = content.neighbours(tail, self._items, self.tail_neighbours) if tail.size else None
        self._tail_rows = tail

    def _inputs(self, rows: sp.csr_matrix) -> sp.csr_matrix:
        """The model's view of confidence rows: modelled columns, binarised for ``positives_only``."""
        rows = rows[:, self._items]
        if self.positives_only:
            rows = rows.copy()
            rows.data = (rows.data >= self._threshold).astype(np.float32)
        return rows

    def _tuned_lambda(self, feedback: Feedback) -> float:
        holdout = make_holdout(feedback)
        if holdout is None or self._items.size == 0:
            return 1.0
        gram_matrix = gram(self._inputs(holdout.train.confidence))
        start = LAMBDA_START_PER_DIAGONAL * max(float(np.mean(np.diag(gram_matrix))), 1e-3)

        def objective(lam: float) -> float:
            weights = ease_weights(gram_matrix, lam)
            return holdout.ndcg(lambda rows: np.asarray(self._inputs(rows) @ weights), columns=self._items)

        return search_log_scale(objective, start) / holdout.train_share

    def _spread(self, modelled: np.ndarray) -> np.ndarray:
        """Place scores of the modelled columns into a full-width matrix (others score 0)."""
        full = np.zeros((modelled.shape[0], self._n_items), dtype=np.float32)
        full[:, self._items] = modelled
        return full

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        full = self._spread(np.asarray(self._inputs(rows) @ self._weights))
        if self._tail is not None:
            full[:, self._tail_rows] = self.tail_shrink * (self._tail @ full.T).T
        return full

    def similar(self, item: int) -> np.ndarray | None:
        """Items whose EASE weight from ``item`` is largest: what watching it predicts."""
        position = np.searchsorted(self._items, item)
        if position >= self._items.size or self._items[position] != item:
            return None
        return self._spread(self._weights[position][None, :])[0]
