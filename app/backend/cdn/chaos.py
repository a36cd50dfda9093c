"""Faults an operator (or a demo, or a test) injects into one tier server through its admin API.

Failover in the player and steering in the backend can only be shown working against edges that
really misbehave, so each server can be told to add latency, fail a fraction of requests with 503,
stall mid-body, cap its bandwidth, or die outright.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields

from .shaping import Pacer, Trace


@dataclass
class Faults:
    """The faults in force; all zero means a healthy server."""

    latency_ms: float = 0.0
    fail_ratio: float = 0.0
    stall_after_bytes: int = 0
    stall_seconds: float = 0.0
    bandwidth_mbps: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.fail_ratio <= 1.0:
            raise ValueError("failRatio must be within [0, 1]")
        if min(self.latency_ms, self.stall_after_bytes, self.stall_seconds, self.bandwidth_mbps) < 0:
            raise ValueError("fault values must not be negative")


_CAMEL = {
    f.name: "".join(p.capitalize() if i else p for i, p in enumerate(f.name.split("_")))
    for f in fields(Faults)
}


class Chaos:
    """The current faults plus the shared state they need (the random source, the bandwidth cap)."""

    def __init__(self, seed: int | None = None) -> None:
        self.faults = Faults()
        self.cap: Pacer | None = None
        self._random = random.Random(seed)

    def update(self, changes: dict[str, object]) -> None:
        """Apply camelCase fields from the admin API (``{"failRatio": 0.3}``); unknown keys are an error."""
        by_camel = {camel: name for name, camel in _CAMEL.items()}
        unknown = set(changes) - set(by_camel)
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        current = asdict(self.faults)
        for camel, value in changes.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{camel} must be a number")
            current[by_camel[camel]] = value
        current["stall_after_bytes"] = int(current["stall_after_bytes"])
        self.faults = Faults(**current)
        mbps = self.faults.bandwidth_mbps
        self.cap = Pacer(Trace.constant(mbps)) if mbps > 0 else None

    def reset(self) -> None:
        self.faults = Faults()
        self.cap = None

    @property
    def active(self) -> bool:
        return self.faults != Faults()

    def should_fail(self) -> bool:
        return self.faults.fail_ratio > 0 and self._random.random() < self.faults.fail_ratio

    def describe(self) -> dict[str, object]:
        return {_CAMEL[name]: value for name, value in asdict(self.faults).items()}
