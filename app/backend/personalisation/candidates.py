"""One profile's candidates: top picks, a "because you watched" anchor, and genre affinities.

Enough history (``COLD_START_INTERACTIONS``) lets collaborative filtering rank for the viewer;
below that the genre-quiz answers steer a popularity ranking, and without answers it is
popularity alone. The basis is recorded so rows can explain themselves.
"""

from __future__ import annotations

from collections import Counter

from app.backend.db.models import Profile
from app.backend.personalisation.model import FittedModel
from app.backend.personalisation.signals import Interaction

COLD_START_INTERACTIONS = 5
TOP_PICKS = 200
BECAUSE = 40
TOP_GENRES = 6
QUIZ_WEIGHT = 2.0


def profile_candidates(model: FittedModel, profile: Profile) -> dict:
    history = model.histories.get(profile.id, [])
    seen = {i.item_id for i in history}
    recommender = model.recommender
    if len(history) >= COLD_START_INTERACTIONS:
        basis = "model"
        ids = recommender.recommend(profile.id, TOP_PICKS)
    else:
        basis = "quiz" if profile.taste_genres else "popular"
        ranked = recommender.recommend_for_genres(profile.taste_genres, TOP_PICKS + len(seen))
        ids = [t for t in ranked if t not in seen]
    ids = ids[:TOP_PICKS]
    payload: dict = {
        "basis": basis,
        "topPicks": [[t, m] for t, m in zip(ids, _matches(model, profile.id, ids, basis), strict=True)],
        "genres": _genre_affinity(model, history, profile.taste_genres),
    }
    anchor = _anchor(history)
    if anchor is not None:
        similar = [t for t in recommender.similar_items(anchor.item_id, BECAUSE + len(seen)) if t not in seen]
        similar = similar[:BECAUSE]
        payload["because"] = {
            "anchor": anchor.item_id,
            "titles": [
                [t, m] for t, m in zip(similar, model.match_percent(profile.id, similar), strict=True)
            ],
        }
    return payload


def _matches(model: FittedModel, profile_id: str, ids: list[str], basis: str) -> list[int]:
    if basis == "model":
        return model.match_percent(profile_id, ids)
    # Without history the rank itself is the best evidence: the first pick is the likeliest.
    count = max(len(model.items) - 1, 1)
    return [model.calibration.percent(1.0 - rank / count) for rank in range(len(ids))]


def _anchor(history: list[Interaction]) -> Interaction | None:
    liked = [i for i in history if i.liked]
    return max(liked, key=lambda i: i.timestamp) if liked else None


def _genre_affinity(model: FittedModel, history: list[Interaction], tastes: list[str]) -> list[list]:
    weights: Counter[str] = Counter({g: QUIZ_WEIGHT for g in tastes})
    for interaction in history:
        item = model.items.get(interaction.item_id)
        if item is None:
            continue
        for genre in item.genres:
            weights[genre] += 1.0 if interaction.liked else -0.5
    return [[g, round(w, 3)] for g, w in weights.most_common(TOP_GENRES) if w > 0]
