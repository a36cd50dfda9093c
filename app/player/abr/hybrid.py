"""A simple buffer/throughput rule, the kind most production players started from.

The rung follows the harmonic-mean throughput times a safety factor that grows with the buffer
(cautious when little is buffered, bolder with a cushion); up-switches go one rung at a time and
only with some buffer, down-switches happen at once; near-empty buffer is an emergency.
"""

from __future__ import annotations

from app.player.abr.base import Choice, Controller, fmt_rate

EMERGENCY_S = 2.0
UP_SWITCH_MIN_BUFFER_S = 8.0


class HybridController(Controller):
    name = "hybrid"

    def safety(self, buffer_s: float) -> float:
        return 0.6 + 0.5 * min(buffer_s / 30.0, 1.0)

    def _decide(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> Choice:
        estimate = self.history.harmonic_mean(5)
        if estimate is None:
            return 0, "startup: no throughput sample yet → lowest rung", None
        prev = self.last_quality or 0
        if buffer_s < EMERGENCY_S and segment_index > 0:
            return 0, f"emergency: buffer {buffer_s:.1f} s < {EMERGENCY_S:g} s → lowest rung", estimate
        factor = self.safety(buffer_s)
        target = self.highest_below(estimate * factor)
        # Up one rung at a time and only with a cushion; down at once.
        quality = target if target <= prev else prev + (buffer_s >= UP_SWITCH_MIN_BUFFER_S)
        reason = (
            f"buffer {buffer_s:.1f} s, throughput {fmt_rate(estimate)} x {factor:.2f} "
            f"→ {self.bitrates_kbps[quality]} kb/s"
        )
        return quality, reason, estimate
