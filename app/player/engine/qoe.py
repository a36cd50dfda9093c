"""Quality of experience of one playback, measured as it happens (DESIGN.md's linear QoE).

Startup delay runs from the play request to the first frame decoded and handed to the screen.  The
linear QoE counts startup like a stall, exactly as the offline simulator does, so a controller's
score in the ABR lab and in a real playback mean the same thing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass

from app.player.simulation.qoe import linear_qoe


@dataclass(frozen=True)
class QoeSummary:
    startup_ms: float
    rebuffer_count: int
    rebuffer_seconds: float
    rebuffer_ratio: float
    avg_bitrate_kbps: float
    switches: int
    qoe: float
    played_seconds: float
    segments: int
    frames_shown: int
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        """The camelCase object ``play --json`` prints and the backend stores (DESIGN.md contract)."""
        return {
            "startupMs": round(self.startup_ms, 1),
            "rebufferCount": self.rebuffer_count,
            "rebufferSeconds": round(self.rebuffer_seconds, 3),
            "rebufferRatio": round(self.rebuffer_ratio, 4),
            "avgBitrateKbps": round(self.avg_bitrate_kbps, 1),
            "switches": self.switches,
            "qoe": round(self.qoe, 3),
            "playedSeconds": round(self.played_seconds, 3),
            "segments": self.segments,
            "framesShown": self.frames_shown,
            "error": self.error,
        }

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class QoeTracker:
    """Collects the events of one playback; thread-safe (the loader and presenter both report)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requested_at = time.monotonic()
        self.first_frame_at: float | None = None
        self._stall_started: float | None = None
        self._stalls: list[float] = []
        self._bitrates: list[int] = []  # per segment presented, in order
        self._played_s = 0.0
        self.frames_shown = 0

    def frame_shown(self) -> None:
        with self._lock:
            self.frames_shown += 1
            if self.first_frame_at is None:
                self.first_frame_at = time.monotonic()

    def segment_presented(self, bitrate_kbps: int, duration_s: float) -> None:
        with self._lock:
            self._bitrates.append(bitrate_kbps)
            self._played_s += duration_s

    def stall_started(self) -> None:
        with self._lock:
            if self._stall_started is None and self.first_frame_at is not None:
                self._stall_started = time.monotonic()

    def stall_ended(self) -> None:
        with self._lock:
            if self._stall_started is not None:
                self._stalls.append(time.monotonic() - self._stall_started)
                self._stall_started = None

    @property
    def stalled(self) -> bool:
        return self._stall_started is not None

    def summary(self, error: str | None = None) -> QoeSummary:
        with self._lock:
            now = time.monotonic()
            stalls = list(self._stalls)
            if self._stall_started is not None:
                stalls.append(now - self._stall_started)
            startup_s = (self.first_frame_at or now) - self.requested_at
            rebuffer_s = sum(stalls)
            bitrates = list(self._bitrates)
            played = self._played_s
        total = played + rebuffer_s + startup_s
        return QoeSummary(
            startup_ms=startup_s * 1000,
            rebuffer_count=len(stalls),
            rebuffer_seconds=rebuffer_s,
            rebuffer_ratio=(rebuffer_s / total) if total > 0 else 0.0,
            avg_bitrate_kbps=sum(bitrates) / len(bitrates) if bitrates else 0.0,
            switches=sum(a != b for a, b in zip(bitrates, bitrates[1:], strict=False)),
            qoe=linear_qoe(bitrates, rebuffer_s + startup_s),
            played_seconds=played,
            segments=len(bitrates),
            frames_shown=self.frames_shown,
            error=error,
        )
