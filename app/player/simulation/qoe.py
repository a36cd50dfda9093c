"""The standard linear QoE (Pensieve / MPC papers) and the per-session summary the bench reports.

QoE = sum(bitrate Mb/s) - 4.3 x rebuffer seconds - sum |delta bitrate| (Mb/s), startup delay counted
as rebuffering.  4.3 is the top Envivio bitrate in Mb/s: one second of stall costs one top segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class QoeWeights:
    rebuffer_per_s: float = 4.3
    switch_per_mbps: float = 1.0


DEFAULT_WEIGHTS = QoeWeights()


@dataclass(frozen=True)
class SessionResult:
    """One simulated playback."""

    qualities: tuple[int, ...]
    bitrates_kbps: tuple[int, ...]
    rebuffer_s: float  # includes startup
    startup_s: float
    played_s: float
    qoe: float

    @property
    def switches(self) -> int:
        return sum(a != b for a, b in zip(self.qualities, self.qualities[1:], strict=False))

    @property
    def rebuffer_ratio(self) -> float:
        """Share of the session spent stalled (startup included)."""
        total = self.played_s + self.rebuffer_s
        return self.rebuffer_s / total if total > 0 else 0.0

    @property
    def avg_bitrate_kbps(self) -> float:
        return sum(self.bitrates_kbps) / len(self.bitrates_kbps) if self.bitrates_kbps else 0.0


def linear_qoe(
    bitrates_kbps: Sequence[float], rebuffer_s: float, weights: QoeWeights = DEFAULT_WEIGHTS
) -> float:
    """QoE of a whole session from its per-segment bitrates and total stall time."""
    mbps = [b / 1000 for b in bitrates_kbps]
    smooth = sum(abs(b - a) for a, b in zip(mbps, mbps[1:], strict=False))
    return sum(mbps) - weights.rebuffer_per_s * rebuffer_s - weights.switch_per_mbps * smooth
