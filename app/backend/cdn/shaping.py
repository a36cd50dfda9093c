"""Delivery shaping: pace a session's bytes to follow a bandwidth trace, so ABR can be watched working.

A trace is the Pensieve format: one ``time_s<whitespace>Mbps`` line per sample, each rate holding
until the next sample's time; it loops. The :class:`Pacer` lets through exactly the bytes the trace
allows since the session started (the integral of the rate), plus a small burst, which is a token
bucket whose fill rate follows the trace. Because it is an integral, delivered throughput over any
window of a second or more matches the trace no matter how the bytes are chunked.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Iterable
from pathlib import Path

BURST_BYTES = 64 * 1024


class Trace:
    """A looping piecewise-constant bandwidth trace (rates in bytes per second internally)."""

    def __init__(self, samples: Iterable[tuple[float, float]]) -> None:
        points = sorted((float(t), float(mbps)) for t, mbps in samples)
        if not points or any(mbps < 0 for _, mbps in points):
            raise ValueError("a trace needs at least one sample and no negative rate")
        start = points[0][0]
        self._starts = [t - start for t, _ in points]
        self._rates = [mbps * 1e6 / 8 for _, mbps in points]
        last_gap = self._starts[-1] - self._starts[-2] if len(points) > 1 else 1.0
        self.period = self._starts[-1] + last_gap
        self._cumulative = [0.0]
        ends = self._starts[1:] + [self.period]
        for begin, end, rate in zip(self._starts, ends, self._rates, strict=True):
            self._cumulative.append(self._cumulative[-1] + (end - begin) * rate)
        self.bytes_per_period = self._cumulative[-1]
        if self.bytes_per_period <= 0:
            raise ValueError("a trace must allow some bandwidth")

    @classmethod
    def constant(cls, mbps: float) -> Trace:
        return cls([(0.0, mbps)])

    @classmethod
    def parse(cls, text: str) -> Trace:
        """Read Pensieve-format text (``time_s Mbps`` per line; blank and ``#`` lines ignored)."""
        samples = []
        for line in text.splitlines():
            fields = line.split()
            if fields and not fields[0].startswith("#"):
                samples.append((float(fields[0]), float(fields[1])))
        return cls(samples)

    @classmethod
    def load(cls, path: Path) -> Trace:
        return cls.parse(path.read_text())

    def bytes_by(self, t: float) -> float:
        """Bytes the trace allows from time 0 to ``t`` seconds."""
        loops, offset = divmod(max(t, 0.0), self.period)
        i = bisect.bisect_right(self._starts, offset) - 1
        within = self._cumulative[i] + (offset - self._starts[i]) * self._rates[i]
        return loops * self.bytes_per_period + within

    def time_for(self, nbytes: float) -> float:
        """The earliest time at which the trace has allowed ``nbytes`` bytes."""
        loops, rest = divmod(max(nbytes, 0.0), self.bytes_per_period)
        i = bisect.bisect_left(self._cumulative, rest) - 1
        i = min(max(i, 0), len(self._rates) - 1)
        while self._rates[i] == 0:
            i += 1
        return loops * self.period + self._starts[i] + (rest - self._cumulative[i]) / self._rates[i]


class Pacer:
    """A token bucket whose fill rate follows ``trace``, started when the pacer is created."""

    def __init__(self, trace: Trace, burst_bytes: int = BURST_BYTES) -> None:
        self.trace = trace
        self._burst = burst_bytes
        self._start = time.monotonic()
        self._sent = 0.0
        self.last_used = self._start

    async def consume(self, nbytes: int) -> None:
        """Wait until ``nbytes`` more may be sent; unused allowance beyond one burst is forfeited."""
        now = time.monotonic()
        self.last_used = now
        elapsed = now - self._start
        self._sent = max(self._sent, self.trace.bytes_by(elapsed) - self._burst) + nbytes
        delay = self.trace.time_for(self._sent) - elapsed
        if delay > 0:
            await asyncio.sleep(delay)


class UnknownProfile(KeyError):
    """A request named a shaping profile this server does not know (answered with 400)."""


class SessionShaper:
    """Which pacer, if any, applies to a request.

    Profiles are traces by name: files ``<name>``, ``<name>.txt`` or ``<name>.log`` in the traces
    folder, or ones registered through the admin API. A request picks one by header or query, or an
    admin call assigns one to a session id. Each (session, profile) keeps one pacer across requests,
    so a session's successive segment downloads follow the trace's timeline instead of restarting it.
    """

    IDLE_S = 300.0
    MAX_PACERS = 1024

    def __init__(self, traces_dir: Path | None = None) -> None:
        self._traces_dir = traces_dir
        self._profiles: dict[str, Trace] = {}
        self._assigned: dict[str, str] = {}
        self._pacers: dict[tuple[str, str], Pacer] = {}

    def register(self, name: str, trace: Trace) -> None:
        self._profiles[name] = trace
        self._pacers = {k: p for k, p in self._pacers.items() if k[1] != name}

    def assign(self, session_id: str, profile: str | None) -> None:
        """Shape every request of ``session_id`` with ``profile`` (None stops shaping it)."""
        if profile is None:
            self._assigned.pop(session_id, None)
            return
        self._trace(profile)
        self._assigned[session_id] = profile

    def assignments(self) -> dict[str, str]:
        return dict(self._assigned)

    def pacer_for(self, session_id: str | None, profile: str | None, client: str) -> Pacer | None:
        """The pacer for this request; raises :class:`UnknownProfile` for a profile nobody defined."""
        name = profile or (self._assigned.get(session_id) if session_id else None)
        if name is None:
            return None
        key = (session_id or client, name)
        pacer = self._pacers.get(key)
        if pacer is None:
            self._prune()
            pacer = self._pacers[key] = Pacer(self._trace(name))
        return pacer

    def _trace(self, name: str) -> Trace:
        trace = self._profiles.get(name)
        if trace is not None:
            return trace
        if self._traces_dir is not None and name.replace("-", "").replace("_", "").isalnum():
            for candidate in (name, f"{name}.txt", f"{name}.log"):
                path = self._traces_dir / candidate
                if path.is_file():
                    trace = self._profiles[name] = Trace.load(path)
                    return trace
        raise UnknownProfile(name)

    def _prune(self) -> None:
        if len(self._pacers) < self.MAX_PACERS:
            return
        cutoff = time.monotonic() - self.IDLE_S
        self._pacers = {k: p for k, p in self._pacers.items() if p.last_used >= cutoff}
