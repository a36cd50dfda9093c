"""Fit the recommender on the event log, together with the calibration of its match scores."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from app.backend.personalisation.calibration import PRIOR, Calibration, fit_calibration
from app.backend.personalisation.signals import Interaction, Item, load_interactions, load_items
from app.backend.recs import Recommender, create_recommender

CALIBRATION_USERS = 200
HOLDOUT_FRACTION = 0.2
MIN_HISTORY_FOR_HOLDOUT = 10


@dataclass
class FittedModel:
    recommender: Recommender
    calibration: Calibration
    histories: dict[str, list[Interaction]]
    items: dict[str, Item]
    fitted_at: float

    def match_percent(self, profile_id: str, title_ids: list[str]) -> list[int]:
        percentiles = self.recommender.score_items(profile_id, title_ids)
        return [self.calibration.percent(p) for p in percentiles]


def fit_model(session: Session, name: str = "default", seed: int = 13) -> FittedModel | None:
    """None when there is nothing to learn from yet (no events or no titles)."""
    interactions = load_interactions(session)
    items = load_items(session)
    interactions = [i for i in interactions if i.item_id in items]
    if not interactions or not items:
        return None
    histories: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in interactions:
        histories[interaction.user_id].append(interaction)
    calibration = _calibrate(histories, items, name, random.Random(seed))
    recommender = create_recommender(name)
    recommender.fit(interactions, items)
    return FittedModel(recommender, calibration, dict(histories), items, time.time())


def _calibrate(
    histories: dict[str, list[Interaction]], items: dict[str, Item], name: str, rng: random.Random
) -> Calibration:
    """Hold out sampled viewers' latest interactions, rank them with a model fitted without them."""
    eligible = sorted(u for u, h in histories.items() if len(h) >= MIN_HISTORY_FOR_HOLDOUT)
    sampled = set(rng.sample(eligible, min(CALIBRATION_USERS, len(eligible))))
    if not sampled:
        return PRIOR
    train: list[Interaction] = []
    held_out: list[Interaction] = []
    for user, history in histories.items():
        if user not in sampled:
            train.extend(history)
            continue
        ordered = sorted(history, key=lambda i: i.timestamp)
        cut = len(ordered) - max(1, int(len(ordered) * HOLDOUT_FRACTION))
        train.extend(ordered[:cut])
        held_out.extend(ordered[cut:])
    recommender = create_recommender(name)
    recommender.fit(train, items)
    percentiles = np.array([recommender.score_items(i.user_id, [i.item_id])[0] for i in held_out])
    liked = np.array([i.liked for i in held_out])
    return fit_calibration(percentiles, liked)
