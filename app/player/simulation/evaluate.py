"""Run several controllers (and the optimum) over trace sets and summarise: the bench and the ABR lab
share this so both show the same numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from app.player.simulation.network import DEFAULT_LINK, LinkModel
from app.player.simulation.optimum import optimum
from app.player.simulation.qoe import SessionResult
from app.player.simulation.simulator import Controller, simulate
from app.player.simulation.traces import Trace
from app.player.simulation.video import Video

ControllerFactory = Callable[[list[int], float], Controller]
OPTIMUM = "optimum"


@dataclass(frozen=True)
class TraceOutcome:
    trace: str
    optimum_qoe: float | None
    results: dict[str, SessionResult]
    end_bounded_qoe: float | None = None  # optimum forced to keep some buffer at the end


@dataclass(frozen=True)
class Summary:
    mean_qoe: float
    share_of_optimum: float | None  # mean QoE / mean optimum QoE
    rebuffer_ratio: float
    switches: float
    avg_bitrate_kbps: float


def evaluate_trace(
    trace: Trace,
    video: Video,
    factories: Mapping[str, ControllerFactory],
    link: LinkModel = DEFAULT_LINK,
    with_optimum: bool = True,
    end_buffer_s: float | None = None,
) -> TraceOutcome:
    """All controllers on one trace; ``end_buffer_s`` also computes the optimum that must end with that
    much buffer, i.e. one that cannot exploit knowing where the video ends (controllers never do)."""
    ladder = list(video.bitrates_kbps)
    results = {
        name: simulate(make(ladder, video.segment_seconds), trace, video, link)
        for name, make in factories.items()
    }
    best = optimum(trace, video, link).qoe if with_optimum else None
    bounded = None
    if end_buffer_s is not None:
        bounded = optimum(trace, video, link, min_final_buffer_s=end_buffer_s).qoe
    return TraceOutcome(trace.name, best, results, bounded)


def summarise(outcomes: Iterable[TraceOutcome]) -> dict[str, Summary]:
    outcomes = list(outcomes)
    if not outcomes:
        return {}
    optimum_values = [o.optimum_qoe for o in outcomes]
    mean_optimum = float(np.mean(optimum_values)) if None not in optimum_values else None
    summaries = {}
    for name in outcomes[0].results:
        runs = [o.results[name] for o in outcomes]
        mean_qoe = float(np.mean([r.qoe for r in runs]))
        summaries[name] = Summary(
            mean_qoe=mean_qoe,
            share_of_optimum=mean_qoe / mean_optimum if mean_optimum else None,
            rebuffer_ratio=float(np.mean([r.rebuffer_ratio for r in runs])),
            switches=float(np.mean([r.switches for r in runs])),
            avg_bitrate_kbps=float(np.mean([r.avg_bitrate_kbps for r in runs])),
        )
    return summaries
