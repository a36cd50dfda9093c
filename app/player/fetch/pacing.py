"""Client-side shaping: pace our own reads to follow a bandwidth trace.

The CDN edges shape delivery themselves for the built-in network profiles (``x-marquee-shape``); this
pacer covers the other cases — a trace file the edges do not know, or a title served without edges —
so ``play --network`` always exercises ABR.  Same rule as the edge's token bucket: the bytes allowed
by time t are the trace's integral up to t, and idle time banks at most one burst.
"""

from __future__ import annotations

import threading
import time

from app.player.simulation.traces import Trace

BURST_BYTES = 64 * 1024


class ClientPacer:
    """Blocks a reader until the trace has let its bytes through (one pacer per playback)."""

    def __init__(self, trace: Trace, burst_bytes: int = BURST_BYTES) -> None:
        self.trace = trace
        self._burst = burst_bytes
        self._origin = time.monotonic()
        self._sent = 0.0
        self._lock = threading.Lock()

    def delay_for(self, nbytes: int, now: float | None = None) -> float:
        """Account for ``nbytes`` more and return how long the reader must wait before using them."""
        now = time.monotonic() if now is None else now
        t0 = self.trace.start_s
        elapsed = now - self._origin
        with self._lock:
            allowed = float(self.trace.bytes_until(t0 + elapsed) - self.trace.bytes_until(t0))
            self._sent = max(self._sent, allowed - self._burst) + nbytes
            due = float(self.trace.finish_time(t0, self._sent)) - t0
        return max(0.0, due - elapsed)

    def consume(self, nbytes: int) -> None:
        delay = self.delay_for(nbytes)
        if delay > 0:
            time.sleep(delay)
