"""The ranked list of CDN edges a playback may fetch from, with per-edge backoff after failures.

The backend ranks edges (playback/start, then the steering endpoint every TTL); this object keeps that
order, skips an edge for a while after it fails (doubling the pause on each consecutive failure), and
hands out the best edge that is not resting.  Thread-safe: the fetcher reads it while the steering
poller rewrites it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 8.0


@dataclass(frozen=True, slots=True)
class Edge:
    """One place to fetch the title from; its URLs are signed for this session."""

    name: str
    manifest_url: str  # HLS master playlist
    dash_manifest_url: str | None = None

    def base_for(self, fmt: str) -> str:
        """The manifest URL segment references are resolved against, for the format being played."""
        if fmt == "dash" and self.dash_manifest_url:
            return self.dash_manifest_url
        return self.manifest_url


@dataclass(slots=True)
class _Health:
    failures: int = 0
    resting_until: float = 0.0


@dataclass
class EdgeSet:
    """Edges best first, with the time each may be tried again."""

    edges: list[Edge]
    _health: dict[str, _Health] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.edges:
            raise ValueError("a playback needs at least one edge")

    def ranked(self) -> list[Edge]:
        with self._lock:
            return list(self.edges)

    def candidates(self, now: float | None = None) -> list[Edge]:
        """Edges that may be tried now, best first."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return [e for e in self.edges if self._state(e.name).resting_until <= now]

    def next_ready_in(self, now: float | None = None) -> float:
        """Seconds until some resting edge may be tried again (0 when one may be tried now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return max(0.0, min(self._state(e.name).resting_until for e in self.edges) - now)

    def failed(self, edge: Edge) -> None:
        """Rest ``edge``: 1 s after its first failure in a row, doubling up to 8 s."""
        with self._lock:
            state = self._state(edge.name)
            state.failures += 1
            pause = min(FIRST_BACKOFF_S * 2 ** (state.failures - 1), MAX_BACKOFF_S)
            state.resting_until = time.monotonic() + pause

    def failed_named(self, name: str) -> None:
        """Rest the edge called ``name`` (it served a copy that turned out undecodable)."""
        for edge in self.ranked():
            if edge.name == name:
                self.failed(edge)

    def succeeded(self, edge: Edge) -> None:
        with self._lock:
            self._health[edge.name] = _Health()

    def follow(self, ranking: list[Edge]) -> None:
        """Adopt a new ranking (steering): its order and its freshly signed URLs; health is kept."""
        if ranking:
            with self._lock:
                self.edges = list(ranking)

    def _state(self, name: str) -> _Health:
        return self._health.setdefault(name, _Health())
