"""Turn contract-level interactions into the sparse matrices every model family trains on.

All models see the same :class:`Feedback`, so the way raw weights are read (ratings vs plain
watches) is decided once, here, and documented in one place:

* If every weight is the same value, the data is implicit (watches): every interaction gets
  confidence 1 and every interaction is a positive.
* Otherwise the weights are ratings. Confidence is ``rating / max_rating`` so a 5-star counts
  more than a 2-star but a low rating still says "this user chose to watch this", which is real
  signal for what to show next (it beat both "positives only" and "binary" on MovieLens). An
  exact ``1.0`` is ambiguous under the contract (1-star, or a plain watch), so it is read as a
  plain watch with the median confidence instead of as a strong dislike. A positive (what the
  tuning split scores against) is a rating of at least 80% of the scale (>= 4 of 5).
* A user who rated the same item twice keeps the latest rating.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from app.backend.recs.content import ItemContent, build_content

POSITIVE_SHARE_OF_SCALE = 0.8
PLAIN_WATCH_WEIGHT = 1.0
# Every interaction keeps a non-zero confidence: a zero would vanish from the sparse matrix and the
# item would stop counting as seen, breaking ``exclude_seen``.
MIN_CONFIDENCE = 0.01


class Interaction(Protocol):
    """One viewer event as the contract hands it in (read-only, so frozen dataclasses qualify)."""

    @property
    def user_id(self) -> str: ...
    @property
    def item_id(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def timestamp(self) -> int: ...


@dataclass(frozen=True)
class Feedback:
    """A users x items confidence matrix and the threshold above which an entry is a positive."""

    confidence: sp.csr_matrix
    positive_threshold: float

    @cached_property
    def positive(self) -> sp.csr_matrix:
        """Binary matrix of the entries that count as "the user liked it"."""
        liked = self.confidence.copy()
        liked.data = (liked.data >= self.positive_threshold).astype(np.float32)
        liked.eliminate_zeros()
        return liked

    @property
    def shape(self) -> tuple[int, int]:
        return self.confidence.shape


@dataclass(frozen=True)
class Dataset:
    """Everything a fitted recommender needs to map ids to rows and columns."""

    item_ids: list[str]
    user_index: dict[str, int]
    item_index: dict[str, int]
    feedback: Feedback
    content: ItemContent


def confidence_from_weights(weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Map raw weights to confidences in (0, 1] and return them with the positive threshold."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.size == 0 or np.all(weights == weights[0]):
        return np.ones_like(weights, dtype=np.float32), 1.0
    scale = float(weights.max()) if weights.max() > 0 else 1.0
    confidence = np.clip(weights / scale, MIN_CONFIDENCE, 1.0)
    watches = weights == PLAIN_WATCH_WEIGHT
    if watches.any() and not watches.all():
        confidence[watches] = np.median(confidence[~watches])
    return confidence.astype(np.float32), POSITIVE_SHARE_OF_SCALE


def _latest_per_pair(users: np.ndarray, items: np.ndarray, stamps: np.ndarray) -> np.ndarray:
    """Indices of the newest event for every (user, item) pair, so re-ratings replace old ones."""
    order = np.lexsort((stamps, items, users))
    u, i = users[order], items[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (u[1:] != u[:-1]) | (i[1:] != i[:-1])
    return order[last]


def build_dataset(interactions: Iterable[Interaction], items: Mapping[str, Any]) -> Dataset:
    """Index users and items (catalog items with no interactions included) and build the matrices."""
    events: Sequence[Interaction] = list(interactions)
    item_ids = list(items)
    item_index = {item: n for n, item in enumerate(item_ids)}
    for event in events:
        if event.item_id not in item_index:
            item_index[event.item_id] = len(item_ids)
            item_ids.append(event.item_id)
    user_index: dict[str, int] = {}
    for event in events:
        user_index.setdefault(event.user_id, len(user_index))

    users = np.fromiter((user_index[e.user_id] for e in events), dtype=np.int64, count=len(events))
    cols = np.fromiter((item_index[e.item_id] for e in events), dtype=np.int64, count=len(events))
    stamps = np.fromiter((e.timestamp for e in events), dtype=np.int64, count=len(events))
    raw = np.fromiter((e.weight for e in events), dtype=np.float64, count=len(events))
    keep = _latest_per_pair(users, cols, stamps)
    confidence, threshold = confidence_from_weights(raw[keep])
    matrix = sp.csr_matrix(
        (confidence, (users[keep], cols[keep])), shape=(len(user_index), len(item_ids)), dtype=np.float32
    )
    return Dataset(
        item_ids=item_ids,
        user_index=user_index,
        item_index=item_index,
        feedback=Feedback(matrix, threshold),
        content=build_content([items.get(item) for item in item_ids]),
    )
