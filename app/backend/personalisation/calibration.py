"""Turn a rank percentile into a calibrated "match" probability.

A percentile says where a title ranks for a viewer, not how likely they are to enjoy it. The
pipeline holds out each viewer's latest interactions, ranks them with a model fitted without them,
and fits a logistic curve from percentile to "the viewer liked it" (rated ≥ 4, or watched when
unrated). The badge then reads as a probability: among titles shown at 80 %, about 80 % are liked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_SAMPLES = 50


@dataclass(frozen=True)
class Calibration:
    slope: float
    intercept: float
    samples: int

    def probability(self, percentile: float) -> float:
        return 1.0 / (1.0 + math.exp(-(self.slope * percentile + self.intercept)))

    def percent(self, percentile: float) -> int:
        return max(1, min(99, round(100 * self.probability(percentile))))


# Before enough feedback exists: a gentle monotone prior (top rank ≈ 88 %, median ≈ 50 %).
PRIOR = Calibration(slope=4.0, intercept=-2.0, samples=0)


def fit_calibration(percentiles: np.ndarray, liked: np.ndarray, iterations: int = 50) -> Calibration:
    """1-D logistic regression by Newton's method (tiny ridge keeps it finite on separable data)."""
    if len(percentiles) < MIN_SAMPLES or liked.min(initial=1) == liked.max(initial=0):
        return PRIOR
    x = np.column_stack([percentiles.astype(np.float64), np.ones(len(percentiles))])
    y = liked.astype(np.float64)
    w = np.zeros(2)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + 1e-3 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-3 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    if w[0] <= 0:
        return PRIOR  # ranking higher must never mean a lower match: no signal to calibrate on
    return Calibration(slope=float(w[0]), intercept=float(w[1]), samples=len(percentiles))
