"""Trace-driven, segment-level playback of one controller (Pensieve-style).

Playback starts once the first segment has arrived; the startup delay counts as rebuffering.
An optional observer sees every segment as it happens, so the ABR lab can draw a session's timeline
from this very loop instead of a second copy of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.player.simulation.network import DEFAULT_LINK, LinkModel, Step
from app.player.simulation.qoe import DEFAULT_WEIGHTS, QoeWeights, SessionResult, linear_qoe
from app.player.simulation.traces import Trace
from app.player.simulation.video import Video


class Controller(Protocol):
    def choose(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> int: ...

    def record(self, quality: int, nbytes: int, seconds: float) -> None: ...


@dataclass(frozen=True)
class SegmentStep:
    """One segment's download, on the trace clock (seconds)."""

    index: int
    quality: int
    nbytes: int
    request_s: float  # when the controller decided and the request went out
    buffer_before_s: float  # buffer at that moment
    download_s: float  # request to last byte, RTT included
    stall_s: float  # playback stalled this long waiting for the segment
    buffer_after_s: float  # buffer just after the segment arrived
    next_request_s: float  # when the next request can go out (later than arrival if the buffer was full)

    @property
    def arrival_s(self) -> float:
        return self.request_s + self.download_s


Observer = Callable[[SegmentStep], None]


def simulate(
    controller: Controller,
    trace: Trace,
    video: Video,
    link: LinkModel = DEFAULT_LINK,
    weights: QoeWeights = DEFAULT_WEIGHTS,
    tell_sizes: bool = True,
    observer: Observer | None = None,
) -> SessionResult:
    """Play ``video`` over ``trace`` with ``controller``; ``tell_sizes=False`` hides per-segment sizes.

    ``observer`` is called once per segment, after the controller has recorded the download.
    """
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
        if observer is not None:
            observer(_segment_step(index, quality, int(nbytes), time_s, buffer_s, step))
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


def _segment_step(
    index: int, quality: int, nbytes: int, time_s: float, buffer_s: float, step: Step
) -> SegmentStep:
    download = float(step.download_s)
    wait = float(step.time_s) - (time_s + download)  # idle while the buffer was too full for a segment
    return SegmentStep(
        index=index,
        quality=quality,
        nbytes=nbytes,
        request_s=time_s,
        buffer_before_s=buffer_s,
        download_s=download,
        stall_s=float(step.stall_s),
        buffer_after_s=float(step.buffer_s) + wait,
        next_request_s=float(step.time_s),
    )
