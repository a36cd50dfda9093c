"""The forward buffer: downloaded segments waiting to be decoded, keyed by segment index."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BufferedSegment:
    index: int
    rung: int
    bitrate_kbps: int
    start_s: float
    duration_s: float
    video_init: bytes
    video: bytes
    audio: tuple[tuple[bytes, bytes], ...]  # (init, media) per audio segment that starts in this one
    edge: str

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


class SegmentBuffer:
    """Thread-safe: the loader puts, the presenter takes and drops, ABR asks for the level."""

    def __init__(self) -> None:
        self._segments: dict[int, BufferedSegment] = {}
        self._lock = threading.Lock()

    def put(self, segment: BufferedSegment) -> None:
        with self._lock:
            self._segments[segment.index] = segment

    def get(self, index: int) -> BufferedSegment | None:
        with self._lock:
            return self._segments.get(index)

    def discard(self, index: int) -> None:
        with self._lock:
            self._segments.pop(index, None)

    def drop_before(self, index: int) -> None:
        with self._lock:
            for i in [i for i in self._segments if i < index]:
                del self._segments[i]

    def clear(self) -> None:
        with self._lock:
            self._segments.clear()

    def contiguous_end(self, index: int) -> float | None:
        """End time of the unbroken run of buffered segments starting at ``index`` (None if it is missing)."""
        with self._lock:
            end = None
            while index in self._segments:
                end = self._segments[index].end_s
                index += 1
            return end

    def next_missing(self, index: int) -> int:
        with self._lock:
            while index in self._segments:
                index += 1
            return index

    def level(self, index: int, position_s: float) -> float:
        """Seconds of media buffered ahead of ``position_s``, which lies in segment ``index``."""
        end = self.contiguous_end(index)
        return max(0.0, end - position_s) if end is not None else 0.0

    def bytes_held(self) -> int:
        with self._lock:
            return sum(len(s.video) + sum(len(a[1]) for a in s.audio) for s in self._segments.values())
