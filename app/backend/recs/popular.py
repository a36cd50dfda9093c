"""Most-liked items for everyone: the reference every other model must beat, and the cold start."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from app.backend.recs.content import ItemContent
from app.backend.recs.data import Feedback


def popularity(feedback: Feedback) -> np.ndarray:
    """Likes per item, ties broken by plain interaction counts (a like outranks any number of ties)."""
    likes = np.asarray(feedback.positive.sum(axis=0)).ravel()
    touches = np.diff(feedback.confidence.tocsc().indptr)
    return (likes + touches / (touches.max(initial=0) + 1.0)).astype(np.float64)


@dataclass
class Popular:
    """Scores every item by its popularity, whoever asks."""

    _scores: np.ndarray = field(init=False, repr=False)

    def fit(self, feedback: Feedback, content: ItemContent) -> None:
        self._scores = popularity(feedback).astype(np.float32)

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        return np.tile(self._scores, (rows.shape[0], 1))

    def similar(self, item: int) -> np.ndarray | None:
        return None
