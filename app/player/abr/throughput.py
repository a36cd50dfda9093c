"""Rate-based rule: highest rung below (harmonic mean of the last 5 downloads) x safety factor."""

from __future__ import annotations

from app.player.abr.base import Choice, Controller, fmt_rate


class ThroughputController(Controller):
    name = "throughput"

    def __init__(self, bitrates_kbps: list[int], segment_seconds: float, safety: float = 0.9) -> None:
        super().__init__(bitrates_kbps, segment_seconds)
        self.safety = safety

    def _decide(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> Choice:
        estimate = self.history.harmonic_mean(5)
        if estimate is None:
            return 0, "startup: no throughput sample yet → lowest rung", None
        quality = self.highest_below(estimate * self.safety)
        reason = f"throughput {fmt_rate(estimate)} x {self.safety:g} → {self.bitrates_kbps[quality]} kb/s"
        return quality, reason, estimate
