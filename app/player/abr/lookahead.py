"""Model-predictive lookahead: score every rung sequence over the next few segments, keep the best start.

This is the optimisation inside RobustMPC and inside our default controller.  Sequences are scored
with the very QoE the session is judged on (bitrate - rebuffer penalty - switch penalty), averaged
over one or more throughput scenarios, so a controller can trade a likely stall against bitrate the
way the metric does.  All sequences x scenarios are evaluated at once with numpy.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Keeps one decision to a few milliseconds whatever the ladder: the horizon shrinks for long ladders.
MAX_SEQUENCES = 8000


@lru_cache(maxsize=32)
def sequences(rungs: int, horizon: int) -> np.ndarray:
    """All rung sequences of length ``horizon`` as an int array (count, horizon)."""
    return np.array(list(itertools.product(range(rungs), repeat=horizon)), dtype=np.intp)


def usable_horizon(rungs: int, wanted: int) -> int:
    horizon = max(1, wanted)
    while horizon > 1 and rungs**horizon > MAX_SEQUENCES:
        horizon -= 1
    return horizon


def future_sizes(
    bitrates_kbps: list[int], segment_seconds: float, next_sizes_bytes: list[int] | None, horizon: int
) -> np.ndarray:
    """Byte sizes (horizon, rungs): the manifest's for the next segment, nominal ones after it.

    Later segments are nominal (bitrate x duration) scaled by how the next segment compares to its
    nominal size: scenes last longer than one segment, so that ratio is the best guess we have.
    """
    nominal = np.asarray(bitrates_kbps, dtype=float) * 125.0 * segment_seconds
    sizes = np.tile(nominal, (horizon, 1))
    if next_sizes_bytes is not None and len(next_sizes_bytes) == len(bitrates_kbps):
        actual = np.asarray(next_sizes_bytes, dtype=float)
        sizes[0] = actual
        if horizon > 1:
            sizes[1:] = nominal * float(np.clip(np.median(actual / nominal), 0.5, 2.0))
    return sizes


@dataclass(frozen=True)
class BufferValue:
    """Worth (in QoE) of the buffer left at the end of the horizon: ``per_s`` per second up to
    ``target_s``.  (A second, smaller slope beyond the target was tried: it buys tunnel robustness
    at about 10 points of the shared sets' optimum share, see the bench notes.)"""

    per_s: float
    target_s: float

    def __call__(self, buffer_s: np.ndarray) -> np.ndarray:
        return self.per_s * np.minimum(buffer_s, self.target_s)


@dataclass(frozen=True)
class Plan:
    quality: int
    value: float
    sequence: tuple[int, ...]


def best_plan(
    buffer_s: float,
    last_quality: int | None,
    sizes_bytes: np.ndarray,
    scenarios_kbps: np.ndarray,
    bitrates_kbps: list[int],
    segment_seconds: float,
    rebuffer_penalty: float = 4.3,
    switch_penalty: float = 1.0,
    buffer_value: BufferValue | None = None,
) -> Plan:
    """Best sequence under the mean QoE over the throughput scenarios.

    ``buffer_value`` values the buffer left at the end of the horizon: without it a short horizon
    happily spends buffer it will need right after.
    """
    horizon, rungs = sizes_bytes.shape
    seq = sequences(rungs, horizon)
    mbps = np.asarray(bitrates_kbps, dtype=float) / 1000
    rates = mbps[seq]
    reward = rates.sum(axis=1) - switch_penalty * np.abs(np.diff(rates, axis=1)).sum(axis=1)
    if last_quality is not None:
        reward -= switch_penalty * np.abs(rates[:, 0] - mbps[last_quality])
    bits = sizes_bytes[np.arange(horizon), seq] * 8 / 1000  # kilobits, (count, horizon)
    kbps = np.maximum(np.asarray(scenarios_kbps, dtype=float), 1e-6)[:, None]
    buffer = np.full((kbps.shape[0], len(seq)), float(buffer_s))
    stall = np.zeros_like(buffer)
    for step in range(horizon):
        download = bits[None, :, step] / kbps
        stall += np.maximum(download - buffer, 0.0)
        buffer = np.maximum(buffer - download, 0.0) + segment_seconds
    score = reward - rebuffer_penalty * stall.mean(axis=0)
    if buffer_value is not None:
        score += buffer_value(buffer).mean(axis=0)
    best = int(np.argmax(score))
    return Plan(int(seq[best, 0]), float(score[best]), tuple(int(q) for q in seq[best]))
