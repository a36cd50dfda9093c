"""Throughput history and the estimators built on it, shared by every controller.

Samples are whole-segment rates (bytes / request-to-last-byte seconds), so request latency is folded
in and predictions made with them are directly "how long will a segment of N bytes take".
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ThroughputHistory:
    samples_kbps: list[float] = field(default_factory=list)
    durations_s: list[float] = field(default_factory=list)

    def add(self, nbytes: int, seconds: float) -> None:
        seconds = max(float(seconds), 1e-3)
        self.samples_kbps.append(max(nbytes * 8 / 1000 / seconds, 1e-3))
        self.durations_s.append(seconds)

    def __len__(self) -> int:
        return len(self.samples_kbps)

    @property
    def last_kbps(self) -> float | None:
        return self.samples_kbps[-1] if self.samples_kbps else None

    def harmonic_mean(self, window: int = 5) -> float | None:
        """Harmonic mean of the last ``window`` samples: dominated by the slow ones, as stalls are."""
        recent = self.samples_kbps[-window:]
        return len(recent) / sum(1 / s for s in recent) if recent else None

    def ewma(self, half_life_s: float) -> float | None:
        """Download-time-weighted EWMA (dash.js style), bias-corrected for the short start."""
        if not self.samples_kbps:
            return None
        estimate, weight = 0.0, 0.0
        for kbps, seconds in zip(self.samples_kbps, self.durations_s, strict=True):
            alpha = 0.5 ** (seconds / half_life_s)
            estimate = alpha * estimate + (1 - alpha) * kbps
            weight = alpha * weight + (1 - alpha)
        return estimate / weight


@dataclass
class ErrorTracker:
    """Relative errors of past predictions, as RobustMPC uses them to discount the next one."""

    window: int = 5
    errors: list[float] = field(default_factory=list)
    _pending: float | None = None

    def predict(self, kbps: float) -> None:
        self._pending = kbps

    def observe(self, actual_kbps: float) -> None:
        if self._pending is not None:
            self.errors.append(abs(self._pending - actual_kbps) / max(actual_kbps, 1e-9))
            self._pending = None

    def max_recent(self, cap: float = float("inf")) -> float:
        return min(max(self.errors[-self.window :], default=0.0), cap)
