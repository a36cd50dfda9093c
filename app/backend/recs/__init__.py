"""Recommendations: the model families behind the personalised home page, and the fixed contract.

    available_recommenders() -> list[str]
    create_recommender(name="default") -> Recommender   # fit(interactions, items), recommend(user, k)

"default" is our best model: EASE^R on confidence-weighted interactions (ratings scaled to the
rating scale, low ratings kept as weak signal), its regularisation self-tuned on a validation split
of the training data, with content neighbours scoring items too rare for the dense model. The
baselines share the same wrapper, so benchmarks measure exactly what the backend serves.
Importing this package starts nothing and needs no Qt.
"""

from __future__ import annotations

from collections.abc import Callable

from app.backend.recs.ease import Ease
from app.backend.recs.ials import Ials
from app.backend.recs.itemknn import ItemKnn
from app.backend.recs.popular import Popular
from app.backend.recs.recommender import Recommender
from app.backend.recs.scorer import Scorer

_FACTORIES: dict[str, Callable[[], Scorer]] = {
    "default": Ease,
    "popular": Popular,
    "itemknn": ItemKnn,
    "ials": Ials,
    "ease": lambda: Ease(positives_only=True, tail_shrink=0.0),
}


def available_recommenders() -> list[str]:
    """Names accepted by :func:`create_recommender`; "default" is the best one."""
    return list(_FACTORIES)


def create_recommender(name: str = "default") -> Recommender:
    """A fresh, unfitted recommender of the named family."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown recommender {name!r}; choose from {', '.join(_FACTORIES)}") from None
    return Recommender(name, factory)


__all__ = ["Recommender", "available_recommenders", "create_recommender"]
