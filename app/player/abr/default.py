"""Our default controller: RobustMPC's lookahead, made buffer-aware.

What it changes relative to ``mpc`` (each tuned on the even half of the shared traces, checked on the
odd half and on synthetic step / tunnel / 5G / slow-cellular traces):

* the buffer left at the end of the 5-segment horizon is worth ``BUFFER_VALUE`` QoE per second up to
  a target.  A short horizon otherwise spends buffer it needs right after, which is where
  RobustMPC's stalls come from; it also makes startup ramp up while the buffer fills;
* the target is ``BUFFER_TARGET_S``, raised to the longest recent download (an outage the session
  has already lived through is the best evidence of how much buffer the next one will need);
* RobustMPC divides the throughput by (1 + worst recent error) whatever the buffer.  We cap that
  error at ``MAX_ERROR`` (one outage sample would otherwise divide the estimate by 20 for five
  segments) and shrink the discount as the buffer deepens, down to ``MIN_DISCOUNT_SHARE`` at
  ``RELAX_BUFFER_S``: a deep buffer absorbs a misprediction and the lookahead prices any stall;
* switches are priced at ``SWITCH_WEIGHT`` x the metric's: an up-switch the horizon cannot see
  sustained is usually paid twice (up now, down later);
* an emergency rule: with the buffer nearly empty, the next segment must arrive before it runs out
  at the *latest* measured rate, not a smoothed one.
"""

from __future__ import annotations

import numpy as np

from app.player.abr.base import Choice, Controller, fmt_rate
from app.player.abr.estimator import ErrorTracker
from app.player.abr.lookahead import BufferValue, best_plan, future_sizes, usable_horizon

HORIZON = 5
BUFFER_VALUE = 1.5  # QoE per buffered second; a stall second costs 4.3
BUFFER_TARGET_S = 20.0
MAX_BUFFER_TARGET_S = 40.0
OUTAGE_MEMORY = 20  # downloads
RELAX_BUFFER_S = 40.0
MIN_DISCOUNT_SHARE = 0.3
MAX_ERROR = 1.0
SWITCH_WEIGHT = 2.0
EMERGENCY_BUFFER_S = 2.0


class DefaultController(Controller):
    name = "default"

    def __init__(self, bitrates_kbps: list[int], segment_seconds: float) -> None:
        super().__init__(bitrates_kbps, segment_seconds)
        self.horizon = usable_horizon(len(self.bitrates_kbps), HORIZON)
        self.errors = ErrorTracker()

    def record(self, quality: int, nbytes: int, seconds: float) -> None:
        super().record(quality, nbytes, seconds)
        self.errors.observe(self.history.last_kbps or 0.0)

    def estimate(self, buffer_s: float) -> float | None:
        """Harmonic mean of the last 5 downloads, discounted by recent error less as the buffer deepens.

        Call once per decision: the undiscounted mean is remembered and scored against the next download.
        """
        harmonic = self.history.harmonic_mean(5)
        if harmonic is None:
            return None
        self.errors.predict(harmonic)
        share = min(max(1 - buffer_s / RELAX_BUFFER_S, MIN_DISCOUNT_SHARE), 1.0)
        return harmonic / (1 + share * self.errors.max_recent(MAX_ERROR))

    def buffer_target(self) -> float:
        """Buffer worth building: the base target, or the longest recent download if that was longer."""
        worst = max(self.history.durations_s[-OUTAGE_MEMORY:], default=0.0)
        return min(max(BUFFER_TARGET_S, worst), MAX_BUFFER_TARGET_S)

    def _decide(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> Choice:
        estimate = self.estimate(buffer_s)
        if estimate is None:
            return 0, "startup: no throughput sample yet → lowest rung for a fast start", None
        if segment_index > 0 and buffer_s < EMERGENCY_BUFFER_S:
            latest = min(estimate, self.history.last_kbps or estimate)
            seconds = [self.segment_bytes(q, next_sizes_bytes) * 8e-3 / latest for q in range(self.top + 1)]
            quality = max((q for q, s in enumerate(seconds) if s <= buffer_s), default=0)
            if quality < (self.last_quality or 0):
                reason = (
                    f"emergency: buffer {buffer_s:.1f} s < {EMERGENCY_BUFFER_S:g} s at {fmt_rate(latest)} "
                    f"→ {self.bitrates_kbps[quality]} kb/s"
                )
                return quality, reason, latest
        sizes = future_sizes(self.bitrates_kbps, self.segment_seconds, next_sizes_bytes, self.horizon)
        target = self.buffer_target()
        plan = best_plan(
            buffer_s,
            self.last_quality,
            sizes,
            np.array([estimate]),
            self.bitrates_kbps,
            self.segment_seconds,
            switch_penalty=SWITCH_WEIGHT,
            buffer_value=BufferValue(BUFFER_VALUE, target),
        )
        reason = (
            f"buffer {buffer_s:.1f} s (target {target:.0f} s), throughput {fmt_rate(estimate)}: "
            f"best {len(plan.sequence)}-segment plan starts at {self.bitrates_kbps[plan.quality]} kb/s"
        )
        return plan.quality, reason, estimate
