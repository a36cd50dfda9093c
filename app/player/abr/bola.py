"""BOLA-E as in dash.js (Spiteri et al., INFOCOM 2016 / "From theory to practice", 2018).

Lyapunov rule: pick the rung maximising (Vp (u_m + gp) - buffer) / S_m with utilities
u_m = ln(S_m / S_1) + 1.  BOLA-E additions kept from dash.js: a throughput-driven startup with a
placeholder (virtual) buffer so the rule does not restart from the lowest rung, BOLA-O's cap on up
switches by the measured throughput (oscillation guard), and the insufficient-buffer rule that caps
the rung by what the buffer can cover when it is nearly empty.
"""

from __future__ import annotations

import math

from app.player.abr.base import Choice, Controller, fmt_rate

MINIMUM_BUFFER_S = 10.0
MINIMUM_BUFFER_PER_LEVEL_S = 2.0
THROUGHPUT_SAFETY = 0.9
INSUFFICIENT_BUFFER_SAFETY = 0.5


class BolaController(Controller):
    name = "bola"

    def __init__(
        self, bitrates_kbps: list[int], segment_seconds: float, stable_buffer_s: float = 20.0
    ) -> None:
        super().__init__(bitrates_kbps, segment_seconds)
        self.utilities = [math.log(b / self.bitrates_kbps[0]) + 1 for b in self.bitrates_kbps]
        buffer_time = max(stable_buffer_s, MINIMUM_BUFFER_S + MINIMUM_BUFFER_PER_LEVEL_S * len(bitrates_kbps))
        top_utility = self.utilities[-1]
        # A one-rung ladder has nothing to trade; any positive gp keeps the formulas finite.
        self.gp = (top_utility - 1) / (buffer_time / MINIMUM_BUFFER_S - 1) or 1.0
        self.vp = MINIMUM_BUFFER_S / self.gp
        self.placeholder_s = 0.0
        self.steady = False

    def bola_quality(self, buffer_s: float) -> int:
        pairs = zip(self.utilities, self.bitrates_kbps, strict=True)
        scores = [(self.vp * (u + self.gp) - buffer_s) / b for u, b in pairs]
        return max(range(len(scores)), key=lambda i: (scores[i], i))

    def min_buffer_for(self, quality: int) -> float:
        """Smallest buffer at which BOLA would choose ``quality`` over every lower rung."""
        level = 0.0
        qb, qu = self.bitrates_kbps[quality], self.utilities[quality]
        for i in range(quality):
            ib, iu = self.bitrates_kbps[i], self.utilities[i]
            level = max(level, self.vp * (self.gp + (qb * iu - ib * qu) / (qb - ib)))
        return level

    def _decide(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> Choice:
        throughput = self.history.harmonic_mean(5)
        if throughput is None:
            return 0, "startup: no throughput sample yet → lowest rung", None
        if self.steady and buffer_s <= 0.0:
            self.steady, self.placeholder_s = False, 0.0  # rebuffered: dash.js restarts BOLA
        if not self.steady:
            quality = self.highest_below(throughput * THROUGHPUT_SAFETY)
            self.placeholder_s = max(0.0, self.min_buffer_for(quality) - buffer_s)
            self.steady = buffer_s >= self.segment_seconds
            return quality, f"BOLA startup: throughput {fmt_rate(throughput)} → rung {quality}", throughput
        effective = buffer_s + self.placeholder_s
        quality = self.bola_quality(effective)
        why = f"BOLA at buffer {buffer_s:.1f} s + placeholder {self.placeholder_s:.1f} s"
        prev = self.last_quality or 0
        if quality > prev:
            by_throughput = self.highest_below(throughput)
            if quality > by_throughput:
                quality = max(by_throughput, prev)
                why += f", up-switch capped by throughput {fmt_rate(throughput)}"
        if buffer_s < self.segment_seconds:
            coverable = throughput * buffer_s / self.segment_seconds * INSUFFICIENT_BUFFER_SAFETY
            affordable = self.highest_below(coverable)
            if affordable < quality:
                quality = affordable
                why += ", insufficient buffer"
        # Keep the placeholder no larger than what still justifies the chosen rung (dash.js decays it).
        self.placeholder_s = max(0.0, min(self.placeholder_s, self.min_buffer_for(quality) + 1.0 - buffer_s))
        return quality, f"{why} → {self.bitrates_kbps[quality]} kb/s", throughput
