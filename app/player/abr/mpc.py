"""RobustMPC (Yin et al., SIGCOMM 2015), as evaluated in Pensieve.

Throughput = harmonic mean of the last 5 downloads / (1 + max relative error of the last 5
predictions); maximise the linear QoE over a 5-segment horizon by exhaustive search.
"""

from __future__ import annotations

import numpy as np

from app.player.abr.base import Choice, Controller, fmt_rate
from app.player.abr.estimator import ErrorTracker
from app.player.abr.lookahead import best_plan, future_sizes, usable_horizon


class RobustMpcController(Controller):
    name = "mpc"

    def __init__(self, bitrates_kbps: list[int], segment_seconds: float, horizon: int = 5) -> None:
        super().__init__(bitrates_kbps, segment_seconds)
        self.horizon = usable_horizon(len(self.bitrates_kbps), horizon)
        self.errors = ErrorTracker()

    def record(self, quality: int, nbytes: int, seconds: float) -> None:
        super().record(quality, nbytes, seconds)
        self.errors.observe(self.history.last_kbps or 0.0)

    def _decide(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> Choice:
        harmonic = self.history.harmonic_mean(5)
        if harmonic is None:
            return 0, "startup: no throughput sample yet → lowest rung", None
        self.errors.predict(harmonic)
        estimate = harmonic / (1 + self.errors.max_recent())
        sizes = future_sizes(self.bitrates_kbps, self.segment_seconds, next_sizes_bytes, self.horizon)
        plan = best_plan(
            buffer_s, self.last_quality, sizes, np.array([estimate]), self.bitrates_kbps, self.segment_seconds
        )
        reason = (
            f"MPC over {self.horizon} segments: buffer {buffer_s:.1f} s, robust throughput "
            f"{fmt_rate(estimate)} → {self.bitrates_kbps[plan.quality]} kb/s"
        )
        return plan.quality, reason, estimate
