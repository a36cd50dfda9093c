"""ABR lab (service): replay controllers over one network trace and explain every decision.

Pure (no Qt) so the lab screen, tests and scripts share it.  Each controller plays the video in the
same simulator the benchmark scores (``app.player.simulation.simulate``); an observer turns every
segment into a timeline row together with what the controller said about its decision, so the screen
can show *why* a controller did what it did, not only its final score.  The offline optimum's QoE is
the yardstick when it is affordable.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.player.abr import create_controller
from app.player.simulation.network import DEFAULT_LINK, LinkModel
from app.player.simulation.optimum import optimum
from app.player.simulation.qoe import SessionResult
from app.player.simulation.simulator import SegmentStep, simulate
from app.player.simulation.traces import Trace
from app.player.simulation.video import Video, load_video

# The public ABR research data sits next to the repository (as for tests/ and bench/); a packaged app
# has none and falls back to a synthetic ladder and the built-in profiles.
SHARED_ABR = Path(__file__).resolve().parents[3] / "shared" / "abr"
SHARED_VIDEO = SHARED_ABR / "video" / "envivio_sizes.json"
SHARED_TRACE_SETS = ("fcc", "hsdpa")
# Envivio's ladder (what the shared traces were cooked for): 48 segments of 4 s.
FALLBACK_LADDER_KBPS = [300, 750, 1200, 1850, 2850, 4300]
FALLBACK_SEGMENTS = 48
OPTIMUM_BUDGET_S = 2.0
# Worst-case optimum cost per candidate transition, measured at ~1.2e-7 s (Envivio x HSDPA, 2 cores)
# and doubled for slower or busier machines.
OPTIMUM_S_PER_CANDIDATE = 2.5e-7


@dataclass(frozen=True)
class SegmentRecord:
    """One decision and its outcome; times are seconds from the trace start."""

    index: int
    time_s: float  # decision (= request) time
    arrival_s: float
    buffer_before_s: float
    buffer_after_s: float  # just after the segment arrived
    quality: int
    bitrate_kbps: int
    throughput_kbps: float  # measured on this download, RTT included (what the controller records)
    estimate_kbps: float | None  # the controller's estimate when deciding (None: it had none / no record)
    stall_s: float
    reason: str

    @property
    def stall_interval(self) -> tuple[float, float] | None:
        """When playback was frozen waiting for this segment: from the buffer running dry to arrival."""
        if self.stall_s <= 0:
            return None
        return self.arrival_s - self.stall_s, self.arrival_s


@dataclass(frozen=True)
class ControllerRun:
    name: str
    timeline: tuple[SegmentRecord, ...]
    result: SessionResult


@dataclass(frozen=True)
class LabResult:
    trace: Trace
    video: Video
    runs: dict[str, ControllerRun]  # in the order asked for
    optimum_qoe: float | None  # None when skipped
    optimum_note: str  # how long the optimum took, or why it was skipped

    def share_of_optimum(self, name: str) -> float | None:
        """A controller's QoE as a share of the optimum's (None without a positive optimum)."""
        if self.optimum_qoe is None or self.optimum_qoe <= 0:
            return None
        return self.runs[name].result.qoe / self.optimum_qoe


def default_video() -> Video:
    """The shared Envivio video when present (what the benchmark scores), else a CBR Envivio ladder."""
    if SHARED_VIDEO.is_file():
        return load_video(SHARED_VIDEO)
    return Video.constant_bitrate(FALLBACK_LADDER_KBPS, 4.0, FALLBACK_SEGMENTS)


def shared_trace_files(root: Path = SHARED_ABR / "traces") -> dict[str, list[Path]]:
    """The shared FCC / HSDPA trace files by set name (empty when the data is not there)."""
    sets: dict[str, list[Path]] = {}
    for name in SHARED_TRACE_SETS:
        folder = root / name
        if folder.is_dir():
            files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
            if files:
                sets[name] = files
    return sets


def replay(name: str, trace: Trace, video: Video, link: LinkModel = DEFAULT_LINK) -> ControllerRun:
    """Play ``video`` over ``trace`` with a fresh ``name`` controller, recording every decision."""
    controller = create_controller(name, list(video.bitrates_kbps), video.segment_seconds)
    timeline: list[SegmentRecord] = []

    def observe(step: SegmentStep) -> None:
        decision = getattr(controller, "last_decision", None)
        timeline.append(
            SegmentRecord(
                index=step.index,
                time_s=step.request_s - trace.start_s,
                arrival_s=step.arrival_s - trace.start_s,
                buffer_before_s=step.buffer_before_s,
                buffer_after_s=step.buffer_after_s,
                quality=step.quality,
                bitrate_kbps=video.bitrates_kbps[step.quality],
                throughput_kbps=step.nbytes * 8 / 1000 / max(step.download_s, 1e-9),
                estimate_kbps=decision.throughput_kbps if decision else None,
                stall_s=step.stall_s,
                reason=decision.reason if decision else "",
            )
        )

    result = simulate(controller, trace, video, link, observer=observe)
    return ControllerRun(name, tuple(timeline), result)


def optimum_cost_s(video: Video, link: LinkModel = DEFAULT_LINK, bin_s: float = 0.1) -> float:
    """Upper estimate of the optimum's run time: every (rung, buffer bin) cell live at every segment."""
    rungs = len(video.bitrates_kbps)
    candidates = video.num_segments * rungs * rungs * (link.buffer_cap_s / bin_s + 2)
    return candidates * OPTIMUM_S_PER_CANDIDATE


def run_lab(
    trace: Trace,
    controllers: Sequence[str],
    video: Video | None = None,
    link: LinkModel = DEFAULT_LINK,
    optimum_budget_s: float = OPTIMUM_BUDGET_S,
) -> LabResult:
    """Replay each controller (duplicates once, in order) and, if it fits the budget, the optimum."""
    names = list(dict.fromkeys(controllers))
    if not names:
        raise ValueError("choose at least one controller")
    video = video or default_video()
    runs = {name: replay(name, trace, video, link) for name in names}
    estimate = optimum_cost_s(video, link)
    if estimate > optimum_budget_s:
        return LabResult(trace, video, runs, None, f"optimum skipped (would take ~{estimate:.0f} s)")
    started = time.perf_counter()
    best = optimum(trace, video, link).qoe
    return LabResult(trace, video, runs, best, f"optimum in {time.perf_counter() - started:.2f} s")


def capacity_steps(trace: Trace, until_s: float) -> tuple[np.ndarray, np.ndarray]:
    """The link capacity from the trace start to ``until_s`` (looping), for a "hold right" step line.

    ``y[k]`` holds from ``x[k]`` to ``x[k + 1]``; the last point closes the line at ``until_s``.  A
    cooked trace's rate on line ``i`` holds over ``(t[i-1], t[i]]``, so each step starts at the
    previous sample's time.
    """
    if until_s <= 0:
        return np.zeros(0), np.zeros(0)
    starts = trace.times_s[:-1] - trace.start_s
    loops = max(1, int(np.ceil(until_s / trace.period_s)))
    x = np.concatenate([starts + k * trace.period_s for k in range(loops)])
    y = np.tile(trace.mbps[1:], loops)
    keep = x < until_s
    x, y = x[keep], y[keep]
    return np.append(x, until_s), np.append(y, y[-1])
