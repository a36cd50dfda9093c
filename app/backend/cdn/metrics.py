"""Counters one tier server exposes on ``/metrics`` and summarises on ``/health`` for steering."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["hit", "miss", "passthrough"]
RATE_WINDOW_S = 5


@dataclass
class Metrics:
    """Request, byte and load counters; the cache's own numbers are added by the server."""

    tier: str
    requests: int = 0
    hits: int = 0
    misses: int = 0
    passthrough: int = 0
    not_found: int = 0
    rejected: int = 0
    upstream_errors: int = 0
    injected_failures: int = 0
    in_flight: int = 0
    bytes_served: dict[str, int] = field(default_factory=lambda: {"hit": 0, "miss": 0, "passthrough": 0})
    _recent: deque[list[int]] = field(default_factory=deque)  # [whole second, bytes] buckets

    def count(self, outcome: Outcome) -> None:
        if outcome == "hit":
            self.hits += 1
        elif outcome == "miss":
            self.misses += 1
        else:
            self.passthrough += 1

    def sent(self, outcome: Outcome, nbytes: int) -> None:
        self.bytes_served[outcome] += nbytes
        second = int(time.monotonic())
        if self._recent and self._recent[-1][0] == second:
            self._recent[-1][1] += nbytes
        else:
            self._recent.append([second, nbytes])
            self._expire(second)

    def bytes_per_second(self) -> float:
        """Bytes sent over the last few seconds: the load figure steering compares across edges."""
        self._expire(time.monotonic())
        return sum(n for _, n in self._recent) / RATE_WINDOW_S

    def hit_ratio(self) -> float:
        served = self.hits + self.misses + self.passthrough
        return self.hits / served if served else 0.0

    def snapshot(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "requests": self.requests,
            "hits": self.hits,
            "misses": self.misses,
            "passthrough": self.passthrough,
            "notFound": self.not_found,
            "rejected": self.rejected,
            "hitRatio": round(self.hit_ratio(), 4),
            "bytesServed": dict(self.bytes_served),
            "upstreamErrors": self.upstream_errors,
            "injectedFailures": self.injected_failures,
            "inFlight": self.in_flight,
            "bytesPerSecond": round(self.bytes_per_second(), 1),
        }

    def _expire(self, now: float) -> None:
        while self._recent and self._recent[0][0] < now - RATE_WINDOW_S:
            self._recent.popleft()
