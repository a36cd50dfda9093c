"""The offline optimum is an upper bound the controllers never beat, and its plan is feasible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.player.abr import available_controllers, create_controller
from app.player.simulation import Trace, Video, load_trace, optimum, simulate
from app.player.simulation.synthetic import step_trace, synthetic_traces

SHARED = Path("/work/shared/abr/traces")
LADDER = [300, 750, 1200, 1850, 2850, 4300]


def vbr_video(segments: int = 24) -> Video:
    """Envivio-like ladder with +-30 % per-segment size variation, correlated across rungs."""
    rng = np.random.default_rng(3)
    scale = rng.uniform(0.7, 1.3, segments)
    sizes = np.outer(np.array(LADDER) * 125 * 4.0, scale).round()
    return Video(tuple(LADDER), 4.0, sizes)


def short_traces() -> list[Trace]:
    families = synthetic_traces(seed=11, per_kind=1)
    traces = [families[kind][0] for kind in ("step", "tunnel", "5g", "slow")]
    traces += [load_trace(SHARED / name) for name in ("hsdpa/norway_bus_1", "hsdpa/norway_tram_5")]
    return [t for t in traces if t is not None]


class Replay:
    def __init__(self, qualities: tuple[int, ...]) -> None:
        self.qualities = qualities

    def choose(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> int:
        return self.qualities[segment_index]

    def record(self, quality: int, nbytes: int, seconds: float) -> None:
        pass


@pytest.fixture(scope="module")
def cases() -> list[tuple[Trace, float, tuple[int, ...]]]:
    if not SHARED.exists():
        pytest.skip("shared traces not present")
    video = vbr_video()
    return [(trace, *(lambda p: (p.qoe, p.qualities))(optimum(trace, video))) for trace in short_traces()]


def test_no_controller_beats_the_optimum(cases) -> None:
    video = vbr_video()
    for trace, best, _ in cases:
        for name in available_controllers():
            result = simulate(create_controller(name, LADDER, 4.0), trace, video)
            assert result.qoe <= best + 1e-9, (trace.name, name)


def test_optimal_plan_replays_to_the_reported_qoe(cases) -> None:
    video = vbr_video()
    for trace, best, plan in cases:
        assert simulate(Replay(plan), trace, video).qoe == pytest.approx(best)


def test_end_aware_drain_is_worth_something(cases) -> None:
    video = vbr_video()
    trace, best, _ = cases[0]
    assert optimum(trace, video, min_final_buffer_s=10.0).qoe <= best


def test_default_beats_throughput_across_step_changes() -> None:
    """A step down must not stall long; over steps up and down default must come out ahead."""
    video = vbr_video(48)
    drop = simulate(create_controller("default", LADDER, 4.0), step_trace("drop", 3.0, 0.8, 80.0), video)
    assert drop.rebuffer_s - drop.startup_s < 4.0
    traces = synthetic_traces(seed=23, per_kind=6)["step"]
    mean = {
        name: np.mean([simulate(create_controller(name, LADDER, 4.0), t, video).qoe for t in traces])
        for name in ("default", "throughput")
    }
    assert mean["default"] > mean["throughput"]


@pytest.mark.parametrize("kind", ["tunnel", "5g", "slow", "step"])
def test_default_stays_robust_on_unseen_shapes(kind: str) -> None:
    """No catastrophic rebuffering on synthetic shapes, and never worse than plain RobustMPC there."""
    video = vbr_video(48)
    traces = synthetic_traces(seed=23, per_kind=6)[kind]
    default = [simulate(create_controller("default", LADDER, 4.0), t, video) for t in traces]
    mpc = [simulate(create_controller("mpc", LADDER, 4.0), t, video) for t in traces]
    assert max(r.rebuffer_ratio for r in default) < 0.1
    assert np.mean([r.qoe for r in default]) >= 0.98 * np.mean([r.qoe for r in mpc])
