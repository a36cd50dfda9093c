"""Throughput traces in Pensieve's "cooked" format, with exact (vectorised) transfer-time arithmetic.

One line per sample, ``time_s<TAB>throughput_Mbps``; the rate on line ``i`` holds over
``(t[i-1], t[i]]`` and the trace loops.  Transfers are computed from the cumulative number of bytes
the link can carry, so one ``searchsorted`` answers "when does a download of N bytes that starts at t
finish" for thousands of candidate downloads at once (the offline optimum needs exactly that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BYTES_PER_MBIT = 1e6 / 8


@dataclass(frozen=True)
class Trace:
    """A looping piecewise-constant throughput trace."""

    name: str
    times_s: np.ndarray
    mbps: np.ndarray
    _cum_bytes: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        times = np.asarray(self.times_s, dtype=float)
        rates = np.asarray(self.mbps, dtype=float)
        if times.ndim != 1 or times.shape != rates.shape or len(times) < 2:
            raise ValueError(f"trace {self.name!r}: need at least two (time, rate) samples")
        if np.any(np.diff(times) < 0) or np.any(rates < 0):
            raise ValueError(f"trace {self.name!r}: times must not decrease and rates must be >= 0")
        # cum[i] = bytes the link carries over (t[0], t[i]]; the rate on line 0 covers no time.
        cum = np.concatenate(([0.0], np.cumsum(rates[1:] * BYTES_PER_MBIT * np.diff(times))))
        if cum[-1] <= 0:
            raise ValueError(f"trace {self.name!r} carries no bytes at all")
        object.__setattr__(self, "times_s", times)
        object.__setattr__(self, "mbps", rates)
        object.__setattr__(self, "_cum_bytes", cum)

    @property
    def start_s(self) -> float:
        return float(self.times_s[0])

    @property
    def period_s(self) -> float:
        return float(self.times_s[-1] - self.times_s[0])

    @property
    def mean_mbps(self) -> float:
        return float(self._cum_bytes[-1] / BYTES_PER_MBIT / self.period_s)

    def bytes_until(self, t: np.ndarray | float) -> np.ndarray:
        """Bytes the link can have carried from the trace start up to time ``t`` (loops)."""
        rel = np.asarray(t, dtype=float) - self.start_s
        cycles = np.floor(rel / self.period_s)
        within = self.start_s + rel - cycles * self.period_s
        return cycles * self._cum_bytes[-1] + np.interp(within, self.times_s, self._cum_bytes)

    def finish_time(self, start_s: np.ndarray | float, nbytes: np.ndarray | float) -> np.ndarray:
        """Time at which ``nbytes`` sent from ``start_s`` have fully arrived (vectorised)."""
        target = self.bytes_until(start_s) + np.asarray(nbytes, dtype=float)
        total = self._cum_bytes[-1]
        # rem in (0, total]: a download that completes exactly at a period's end finishes there,
        # not after the next period's leading idle time.
        cycles = np.maximum(np.ceil(target / total) - 1, 0)
        rem = target - cycles * total
        # First knot whose cumulative count reaches rem; the interval that ends there has a rate > 0.
        idx = np.clip(np.searchsorted(self._cum_bytes, rem, side="left"), 1, len(self.times_s) - 1)
        rate = self.mbps[idx] * BYTES_PER_MBIT
        prev_t = self.times_s[idx - 1]
        safe_rate = np.where(rate > 0, rate, 1.0)
        offset = np.where(rate > 0, (rem - self._cum_bytes[idx - 1]) / safe_rate, 0.0)
        end = self.start_s + cycles * self.period_s + (prev_t - self.start_s) + offset
        # Never earlier than the start (guards float noise on zero-byte requests).
        return np.maximum(end, np.asarray(start_s, dtype=float))


def load_trace(path: str | Path) -> Trace:
    """Read one cooked trace file."""
    path = Path(path)
    data = np.loadtxt(path, dtype=float, ndmin=2)
    if data.shape[1] < 2:
        raise ValueError(f"{path}: expected two columns (time_s, throughput_Mbps)")
    return Trace(path.name, data[:, 0], data[:, 1])


def load_traces(folder: str | Path, limit: int | None = None) -> list[Trace]:
    """Read every trace in ``folder`` in name order (the first ``limit`` when given)."""
    files = sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith("."))
    if limit is not None:
        files = files[:limit]
    return [load_trace(p) for p in files]
