"""What every controller shares: the ladder, the download history, the decision record and abandonment.

The player engine and the simulator only ever call ``choose``/``record`` (the fixed contract) and, mid
download, ``should_abandon``; subclasses implement ``_decide`` and say *why* in a ``Decision``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from app.player.abr.estimator import ThroughputHistory

Choice = tuple[int, str, float | None]  # (rung, human-readable reason, throughput estimate kb/s)


@dataclass(frozen=True)
class Decision:
    """One ABR decision, for the UI overlay and the logs."""

    quality: int
    reason: str
    throughput_kbps: float | None  # the estimate the decision used (None before any download)
    buffer_s: float


def fmt_rate(kbps: float | None) -> str:
    return "unknown" if kbps is None else f"{kbps / 1000:.2f} Mb/s"


class Controller(ABC):
    """Base ABR controller; one instance per playback."""

    name: str  # the registry key in ``app.player.abr``

    def __init__(self, bitrates_kbps: list[int], segment_seconds: float) -> None:
        if not bitrates_kbps or any(b <= 0 for b in bitrates_kbps):
            raise ValueError("need at least one positive bitrate")
        if list(bitrates_kbps) != sorted(bitrates_kbps):
            raise ValueError("bitrates must ascend")
        if segment_seconds <= 0:
            raise ValueError("segment_seconds must be > 0")
        self.bitrates_kbps = [int(b) for b in bitrates_kbps]
        self.segment_seconds = float(segment_seconds)
        self.history = ThroughputHistory()
        self.last_quality: int | None = None
        self.last_decision: Decision | None = None

    @property
    def top(self) -> int:
        return len(self.bitrates_kbps) - 1

    def choose(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> int:
        """Rung for the next segment (contract)."""
        quality, reason, estimate = self._decide(max(0.0, float(buffer_s)), segment_index, next_sizes_bytes)
        quality = min(max(int(quality), 0), self.top)
        self.last_decision = Decision(quality, reason, estimate, float(buffer_s))
        self.last_quality = quality
        return quality

    def record(self, quality: int, nbytes: int, seconds: float) -> None:
        """One finished download (contract); ``seconds`` is request to last byte."""
        self.history.add(nbytes, seconds)

    @abstractmethod
    def _decide(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> Choice:
        """Return (rung, human-readable reason, throughput estimate in kb/s or None)."""

    def segment_bytes(self, quality: int, next_sizes_bytes: list[int] | None) -> float:
        """Size of the next segment at ``quality``: the manifest's when known, else bitrate x duration."""
        if next_sizes_bytes is not None and len(next_sizes_bytes) == len(self.bitrates_kbps):
            return float(next_sizes_bytes[quality])
        return self.bitrates_kbps[quality] * 125.0 * self.segment_seconds

    def highest_below(self, kbps: float) -> int:
        """Highest rung whose bitrate does not exceed ``kbps`` (the lowest when none does)."""
        return max([i for i, b in enumerate(self.bitrates_kbps) if b <= kbps], default=0)

    def should_abandon(
        self, quality: int, bytes_done: int, bytes_total: int, elapsed_s: float, buffer_s: float
    ) -> int | None:
        """Mid-download check: the lower rung to restart this segment at, or None to carry on.

        Abandon only when the in-flight download, at the rate it is getting now, would outlast the
        buffer (a stall is coming) and re-fetching the segment at a lower rung would finish in time
        (or at least much sooner).  Wasted bytes are cheap next to a stall, which the QoE prices at
        one top-quality segment per second.
        """
        if quality <= 0 or elapsed_s < min(0.5, self.segment_seconds / 4) or bytes_total <= 0:
            return None
        rate = bytes_done / elapsed_s  # bytes/s actually achieved on this request
        remaining_s = (bytes_total - bytes_done) / rate if rate > 0 else float("inf")
        if remaining_s <= buffer_s:
            return None
        scale = bytes_total / (self.bitrates_kbps[quality] * 125.0 * self.segment_seconds)
        for lower in range(quality - 1, -1, -1):
            fetch_s = self.bitrates_kbps[lower] * 125.0 * self.segment_seconds * scale / max(rate, 1e-9)
            if fetch_s <= buffer_s or lower == 0:
                return lower if fetch_s < 0.5 * remaining_s else None
        return None
