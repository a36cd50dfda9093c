"""Offline optimum: the best QoE any controller could reach on a trace, knowing the whole future.

Dynamic programming over (segment, rung, buffer bin).  Each cell keeps the best-valued path that ends
in it together with that path's *exact* clock and buffer, so every transition is computed with the
real session physics (no rounding accumulates) and the returned plan is feasible: replaying it in the
simulator gives exactly the reported QoE.  Binning only decides which paths are merged; with 0.1 s
bins the merge loss is far below the gap to any controller (the tests check no controller beats it).
All candidate downloads of a step are evaluated at once with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.player.simulation.network import DEFAULT_LINK, LinkModel
from app.player.simulation.qoe import DEFAULT_WEIGHTS, QoeWeights
from app.player.simulation.traces import Trace
from app.player.simulation.video import Video


@dataclass(frozen=True)
class OptimalPlan:
    qoe: float
    qualities: tuple[int, ...]


def optimum(
    trace: Trace,
    video: Video,
    link: LinkModel = DEFAULT_LINK,
    weights: QoeWeights = DEFAULT_WEIGHTS,
    bin_s: float = 0.1,
    min_final_buffer_s: float = 0.0,
) -> OptimalPlan:
    """Best (near-exact) QoE and the rung sequence that reaches it.

    ``min_final_buffer_s`` > 0 forbids ending with less buffer than that: a controller that does not
    know where the video ends cannot drain its buffer to zero on the last segment the way the true
    optimum does, so this variant measures how much of the gap is that end effect alone.
    """
    mbps = np.asarray(video.bitrates_kbps, dtype=float) / 1000
    rungs = len(mbps)
    # Live cells: their rung, exact clock/buffer, value so far and a back-pointer per segment.
    rung = np.arange(rungs)
    step = link.step(trace, trace.start_s, 0.0, video.sizes_bytes[:, 0], video.segment_seconds)
    time_s, buffer_s = step.time_s, step.buffer_s
    value = mbps - weights.rebuffer_per_s * step.stall_s
    parents: list[np.ndarray] = []
    rungs_at: list[np.ndarray] = [rung]
    for segment in range(1, video.num_segments):
        # Every live cell x every rung for this segment.
        src = np.repeat(np.arange(len(rung)), rungs)
        new_rung = np.tile(np.arange(rungs), len(rung))
        step = link.step(
            trace, time_s[src], buffer_s[src], video.sizes_bytes[new_rung, segment], video.segment_seconds
        )
        cand = (
            value[src]
            + mbps[new_rung]
            - weights.switch_per_mbps * np.abs(mbps[new_rung] - mbps[rung[src]])
            - weights.rebuffer_per_s * step.stall_s
        )
        key = new_rung * (int(link.buffer_cap_s / bin_s) + 2) + np.rint(step.buffer_s / bin_s).astype(int)
        order = np.lexsort((-cand, key))  # by key, best value first within a key
        first = order[np.r_[True, key[order][1:] != key[order][:-1]]]
        rung, value = new_rung[first], cand[first]
        time_s, buffer_s = step.time_s[first], step.buffer_s[first]
        parents.append(src[first])
        rungs_at.append(rung)
    allowed = buffer_s >= min_final_buffer_s
    best = int(np.argmax(np.where(allowed, value, -np.inf))) if allowed.any() else int(np.argmax(value))
    qualities = [int(rung[best])]
    cell = best
    for segment in range(video.num_segments - 1, 0, -1):
        cell = int(parents[segment - 1][cell])
        qualities.append(int(rungs_at[segment - 1][cell]))
    return OptimalPlan(float(value[best]), tuple(reversed(qualities)))
