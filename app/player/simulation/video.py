"""The video being streamed in a simulation: ladder, segment length and per-segment byte sizes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Video:
    """``sizes_bytes[rung, segment]``; rungs ascend in bitrate."""

    bitrates_kbps: tuple[int, ...]
    segment_seconds: float
    sizes_bytes: np.ndarray

    @property
    def num_segments(self) -> int:
        return int(self.sizes_bytes.shape[1])

    def next_sizes(self, segment: int) -> list[int]:
        """What a manifest with byte ranges tells the controller about segment ``segment``."""
        return [int(s) for s in self.sizes_bytes[:, segment]]

    @classmethod
    def constant_bitrate(cls, bitrates_kbps: list[int], segment_seconds: float, num_segments: int) -> Video:
        """A CBR video: every segment is exactly bitrate x duration (tests, ladders without sizes)."""
        sizes = np.array([[b * 1000 / 8 * segment_seconds] * num_segments for b in bitrates_kbps])
        return cls(tuple(bitrates_kbps), segment_seconds, sizes.round())


def load_video(path: str | Path, num_segments: int | None = None) -> Video:
    """Read a ``*_sizes.json`` file (bitrates_kbps, segment_seconds, sizes_bytes[rung][segment])."""
    doc = json.loads(Path(path).read_text())
    count = num_segments or doc.get("num_segments_default") or len(doc["sizes_bytes"][0])
    sizes = np.array([row[:count] for row in doc["sizes_bytes"]], dtype=float)
    if sizes.shape[1] < count:
        raise ValueError(f"{path}: only {sizes.shape[1]} segments, {count} requested")
    return Video(tuple(int(b) for b in doc["bitrates_kbps"]), float(doc["segment_seconds"]), sizes)
