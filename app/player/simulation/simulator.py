"""Trace-driven, segment-level playback of one controller (Pensieve-style).

Playback starts once the first segment has arrived; the startup delay counts as rebuffering.
"""

from __future__ import annotations

from typing import Protocol

from app.player.simulation.network import DEFAULT_LINK, LinkModel
from app.player.simulation.qoe import DEFAULT_WEIGHTS, QoeWeights, SessionResult, linear_qoe
from app.player.simulation.traces import Trace
from app.player.simulation.video import Video


class Controller(Protocol):
    def choose(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> int: ...

    def record(self, quality: int, nbytes: int, seconds: float) -> None: ...


def simulate(
    controller: Controller,
    trace: Trace,
    video: Video,
    link: LinkModel = DEFAULT_LINK,
    weights: QoeWeights = DEFAULT_WEIGHTS,
    tell_sizes: bool = True,
) -> SessionResult:
    """Play ``video`` over ``trace`` with ``controller``; ``tell_sizes=False`` hides per-segment sizes."""
    rungs = len(video.bitrates_kbps)
    time_s, buffer_s, rebuffer_s, startup_s = trace.start_s, 0.0, 0.0, 0.0
    qualities: list[int] = []
    for index in range(video.num_segments):
        sizes = video.next_sizes(index) if tell_sizes else None
        quality = controller.choose(buffer_s, index, sizes)
        if not isinstance(quality, int) or not 0 <= quality < rungs:
            raise ValueError(f"controller chose rung {quality!r}; the ladder has {rungs}")
        nbytes = float(video.sizes_bytes[quality, index])
        step = link.step(trace, time_s, buffer_s, nbytes, video.segment_seconds)
        controller.record(quality, int(nbytes), float(step.download_s))
        if index == 0:
            startup_s = float(step.stall_s)
        rebuffer_s += float(step.stall_s)
        time_s, buffer_s = float(step.time_s), float(step.buffer_s)
        qualities.append(quality)
    bitrates = tuple(video.bitrates_kbps[q] for q in qualities)
    return SessionResult(
        qualities=tuple(qualities),
        bitrates_kbps=bitrates,
        rebuffer_s=rebuffer_s,
        startup_s=startup_s,
        played_s=video.num_segments * video.segment_seconds,
        qoe=linear_qoe(bitrates, rebuffer_s, weights),
    )
