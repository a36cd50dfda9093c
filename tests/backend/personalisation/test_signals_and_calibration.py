"""From events to interactions, and from rank percentiles to calibrated match probabilities."""

from __future__ import annotations

import numpy as np
from sqlalchemy import insert, select

from app.backend.db.models import Episode, Event, Season
from app.backend.personalisation.calibration import PRIOR, fit_calibration
from app.backend.personalisation.signals import load_interactions
from app.backend.services import Backend


def _events(backend: Backend, rows: list[tuple[str, str, str, float | None, float]]) -> None:
    with backend.sessions() as session:
        session.execute(
            insert(Event),
            [{"profile_id": p, "title_id": t, "type": k, "value": v, "ts": ts} for p, t, k, v, ts in rows],
        )
        session.commit()


def test_ratings_win_episodes_roll_up_and_liked_is_kept(backend: Backend) -> None:
    backend.prepare()
    with backend.sessions() as session:
        episode, series = session.execute(
            select(Episode.title_id, Season.series_id).join(Season, Season.id == Episode.season_id).limit(1)
        ).one()
    _events(
        backend,
        [
            ("kids", "demo-0001", "play", None, 1e9),
            ("kids", "demo-0001", "rate", 2.0, 1e9 + 10),
            ("kids", "demo-0002", "play", None, 1e9),
            ("kids", "demo-0002", "finish", None, 1e9 + 99),
            ("kids", "demo-0003", "play", None, 1e9),
            ("kids", episode, "finish", None, 1e9 + 5),
        ],
    )
    with backend.sessions() as session:
        found = {i.item_id: i for i in load_interactions(session, "kids")}
    assert (found["demo-0001"].weight, found["demo-0001"].rated, found["demo-0001"].liked) == (
        2.0,
        True,
        False,
    )
    assert (found["demo-0002"].weight, found["demo-0002"].liked) == (1.0, True)
    assert found["demo-0003"].liked is False  # started, never finished
    assert series in found and episode not in found


def test_calibration_recovers_a_known_curve() -> None:
    rng = np.random.default_rng(3)
    percentiles = rng.uniform(0, 1, 5000)
    truth = 1 / (1 + np.exp(-(6 * percentiles - 4)))
    liked = rng.uniform(0, 1, 5000) < truth
    calibration = fit_calibration(percentiles, liked)
    assert abs(calibration.slope - 6) < 0.6 and abs(calibration.intercept + 4) < 0.4
    for p in (0.1, 0.5, 0.9):
        assert abs(calibration.probability(p) - 1 / (1 + np.exp(-(6 * p - 4)))) < 0.04


def test_too_little_feedback_keeps_the_prior() -> None:
    assert fit_calibration(np.array([0.5] * 10), np.array([True] * 10)) is PRIOR
    assert fit_calibration(np.linspace(0, 1, 100), np.ones(100, dtype=bool)) is PRIOR
    decreasing = np.linspace(0, 1, 400)
    assert fit_calibration(decreasing, decreasing < 0.5) is PRIOR  # never rank-inverting
