"""Implicit ALS (Hu, Koren & Volinsky, 2008): the standard matrix-factorisation baseline.

Confidence ``1 + alpha * c`` on observed entries, preference 1 there and 0 elsewhere, solved by
alternating exact least squares (one small BLAS product per row, one batched solve per chunk of
rows). Users are folded in at scoring time with the same solve, so the scorer also serves
histories it was not trained on. The ridge strength is tuned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from app.backend.recs.content import ItemContent
from app.backend.recs.data import Feedback
from app.backend.recs.tuning import tune_parameter

FACTORS = 64
ALPHA = 10.0
ITERATIONS = 10
_ROWS_PER_CHUNK = 2048


def solve_rows(matrix: sp.csr_matrix, fixed: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Least-squares factors for every row of ``matrix`` given the other side's ``fixed`` factors.

    ``base`` is ``fixed^T fixed + reg I``, shared by all rows; each row adds its own
    confidence-weighted Gram (one small BLAS product per row), then one batched solve per chunk.
    """
    n_rows, rank = matrix.shape[0], fixed.shape[1]
    result = np.zeros((n_rows, rank), dtype=np.float32)
    for start in range(0, n_rows, _ROWS_PER_CHUNK):
        stop = min(start + _ROWS_PER_CHUNK, n_rows)
        lhs = np.repeat(base[None], stop - start, axis=0)
        rhs = np.zeros((stop - start, rank))
        for offset, row in enumerate(range(start, stop)):
            cols = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
            if cols.size:
                vectors = fixed[cols].astype(np.float64)
                confidence = ALPHA * matrix.data[matrix.indptr[row] : matrix.indptr[row + 1]]
                lhs[offset] += (vectors * confidence[:, None]).T @ vectors
                rhs[offset] = (1.0 + confidence) @ vectors
        result[start:stop] = np.linalg.solve(lhs, rhs[..., None])[..., 0]
    return result


def ridge_base(fixed: np.ndarray, reg: float) -> np.ndarray:
    """The row-independent part of every normal equation: ``F^T F + reg I`` in double precision."""
    fixed = fixed.astype(np.float64)
    return fixed.T @ fixed + reg * np.eye(fixed.shape[1])


@dataclass
class Ials:
    """Implicit ALS with batched exact solves; ``reg`` is tuned on validation when ``None``."""

    reg: float | None = None
    seed: int = 0
    _items: np.ndarray = field(init=False, repr=False)
    _item_base: np.ndarray = field(init=False, repr=False)

    def fit(self, feedback: Feedback, content: ItemContent) -> None:
        if self.reg is None:
            self.reg = tune_parameter(
                lambda r: Ials(reg=r), feedback, content, start=10.0, grows_with_data=True
            )
        rng = np.random.default_rng(self.seed)
        by_item = feedback.confidence.T.tocsr()
        self._items = (rng.standard_normal((feedback.shape[1], FACTORS)) * 0.01).astype(np.float32)
        for _ in range(ITERATIONS):
            users = solve_rows(feedback.confidence, self._items, ridge_base(self._items, self.reg))
            self._items = solve_rows(by_item, users, ridge_base(users, self.reg))
        self._item_base = ridge_base(self._items, self.reg)

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        return solve_rows(sp.csr_matrix(rows), self._items, self._item_base) @ self._items.T

    def similar(self, item: int) -> np.ndarray | None:
        vector = self._items[item]
        norms = np.linalg.norm(self._items, axis=1) * (np.linalg.norm(vector) + 1e-9) + 1e-9
        return (self._items @ vector) / norms
