"""The one interface every model family implements, below the id-level contract.

Models work on matrix rows and column indices only; :mod:`app.backend.recs.recommender` owns the
id mapping, seen-item exclusion and cold start, so each model stays a small numeric module.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.sparse as sp

from app.backend.recs.content import ItemContent
from app.backend.recs.data import Feedback


class Scorer(Protocol):
    """A fitted model that scores every item for users described by their confidence rows."""

    def fit(self, feedback: Feedback, content: ItemContent) -> None:
        """Learn from ``feedback`` (tuning hyper-parameters on a split of it where needed)."""

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        """Dense (len(rows) x n_items) scores, higher is better, for users with these histories."""

    def similar(self, item: int) -> np.ndarray | None:
        """Scores of items to show next to ``item``, or ``None`` when the model knows nothing of it."""
