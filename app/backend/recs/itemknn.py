"""Item-based k-nearest-neighbours (Sarwar et al., 2001): the classic "people who watched X" model.

Cosine similarity between item columns of the confidence matrix, keeping each item's ``k`` closest
neighbours; a user's score for an item is the summed similarity to what they watched. Only the
neighbourhood size is tuned, since it is what matters most across catalog sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from app.backend.recs.content import ItemContent
from app.backend.recs.data import Feedback
from app.backend.recs.tuning import tune_parameter

# Damps similarities computed from few co-watchers (a shared single viewer is weak evidence).
SHRINK = 10.0
_COLUMNS_PER_CHUNK = 1024


def cosine_neighbours(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Item x item matrix holding, per row, the ``k`` largest shrunk cosine similarities."""
    columns = matrix.T.tocsr()
    norms = np.sqrt(np.asarray(columns.multiply(columns).sum(axis=1)).ravel())
    n_items = columns.shape[0]
    k = min(k, max(n_items - 1, 1))
    blocks = []
    for start in range(0, n_items, _COLUMNS_PER_CHUNK):
        stop = min(start + _COLUMNS_PER_CHUNK, n_items)
        dots = (columns[start:stop] @ matrix).toarray()
        sims = dots / (np.outer(norms[start:stop], norms) + SHRINK)
        sims[np.arange(stop - start), np.arange(start, stop)] = 0.0
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(sims, top, axis=1)
        rows = np.repeat(np.arange(stop - start), k)
        blocks.append(sp.csr_matrix((values.ravel(), (rows, top.ravel())), shape=(stop - start, n_items)))
    result = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, 0))
    result.eliminate_zeros()
    return result.astype(np.float32)


@dataclass
class ItemKnn:
    """Sum of neighbour similarities; ``k`` is tuned on validation when left as ``None``."""

    k: int | None = None
    _similarity: sp.csr_matrix = field(init=False, repr=False)
    _by_column: sp.csr_matrix = field(init=False, repr=False)

    def fit(self, feedback: Feedback, content: ItemContent) -> None:
        if self.k is None:
            tuned = tune_parameter(
                lambda k: ItemKnn(k=round(k)), feedback, content, start=100.0, grows_with_data=False
            )
            self.k = round(tuned)
        self._similarity = cosine_neighbours(feedback.confidence, self.k)
        self._by_column = self._similarity.T.tocsr()

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        return np.asarray((rows @ self._by_column).toarray())

    def similar(self, item: int) -> np.ndarray | None:
        row = self._similarity[item]
        return None if row.nnz == 0 else row.toarray()[0]
