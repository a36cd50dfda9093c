"""BBA-0 (Huang et al., SIGCOMM 2014): the rate is a function of the buffer alone.

Below the reservoir play the lowest rung, above reservoir + cushion the highest, in between follow
a linear rate map; the rung only changes when the map crosses the next rung up or down, which is
what keeps BBA from flickering.  Defaults (5 s reservoir, 10 s cushion) are Pensieve's baseline.
"""

from __future__ import annotations

from app.player.abr.base import Choice, Controller


class BbaController(Controller):
    name = "bba"

    def __init__(
        self,
        bitrates_kbps: list[int],
        segment_seconds: float,
        reservoir_s: float = 5.0,
        cushion_s: float = 10.0,
    ) -> None:
        super().__init__(bitrates_kbps, segment_seconds)
        self.reservoir_s = reservoir_s
        self.cushion_s = cushion_s

    def rate_map(self, buffer_s: float) -> float:
        low, high = self.bitrates_kbps[0], self.bitrates_kbps[-1]
        share = (buffer_s - self.reservoir_s) / self.cushion_s
        return low + (high - low) * min(max(share, 0.0), 1.0)

    def _decide(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> Choice:
        rates = self.bitrates_kbps
        prev = self.last_quality if self.last_quality is not None else 0
        target = self.rate_map(buffer_s)
        if buffer_s <= self.reservoir_s:
            return 0, f"buffer {buffer_s:.1f} s ≤ reservoir {self.reservoir_s:g} s → lowest rung", None
        if buffer_s >= self.reservoir_s + self.cushion_s:
            limit = self.reservoir_s + self.cushion_s
            return self.top, f"buffer {buffer_s:.1f} s ≥ {limit:g} s (reservoir + cushion) → top rung", None
        up = min(prev + 1, self.top)
        down = max(prev - 1, 0)
        if target >= rates[up] and up != prev:
            quality = max(i for i, r in enumerate(rates) if r < target) if target > rates[0] else 0
            why = "map rose past the next rung up"
        elif target <= rates[down] and down != prev:
            quality = min(i for i, r in enumerate(rates) if r > target)
            why = "map fell past the next rung down"
        else:
            quality, why = prev, "map between neighbouring rungs, hold"
        reason = f"buffer {buffer_s:.1f} s → map {target:.0f} kb/s, {why} → {rates[quality]} kb/s"
        return quality, reason, None
