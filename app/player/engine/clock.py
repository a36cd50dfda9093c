"""The presentation clock: where in the title playback is, advancing only while frames are shown.

It stops during stalls and pauses, so "position" is always the media time on screen; ``speed`` > 1
lets tests and demos play a title faster than real time without changing any other logic.
"""

from __future__ import annotations

import threading
import time


class PlaybackClock:
    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self.speed = speed
        self._lock = threading.Lock()
        self._base = 0.0
        self._since: float | None = None  # monotonic time it started running, None when stopped

    @property
    def running(self) -> bool:
        return self._since is not None

    def position(self) -> float:
        with self._lock:
            if self._since is None:
                return self._base
            return self._base + (time.monotonic() - self._since) * self.speed

    def start(self) -> None:
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()

    def stop(self) -> None:
        with self._lock:
            if self._since is not None:
                self._base += (time.monotonic() - self._since) * self.speed
                self._since = None

    def set(self, position: float) -> None:
        with self._lock:
            self._base = max(0.0, position)
            if self._since is not None:
                self._since = time.monotonic()

    def wall_seconds_until(self, position: float) -> float:
        """Real seconds until the clock reaches ``position`` (inf while stopped and behind it)."""
        ahead = position - self.position()
        if ahead <= 0:
            return 0.0
        return ahead / self.speed if self.running else float("inf")
