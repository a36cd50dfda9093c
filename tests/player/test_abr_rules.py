"""Behaviour of each controller family on situations where the right answer is known."""

from __future__ import annotations

import pytest

from app.player.abr import create_controller
from app.player.abr.bba import BbaController
from app.player.abr.bola import BolaController
from app.player.abr.lookahead import best_plan, future_sizes
from app.player.abr.mpc import RobustMpcController

LADDER = [300, 750, 1200, 1850, 2850, 4300]
SEGMENT_S = 4.0


def feed(controller, kbps: float, count: int = 5) -> None:
    """``count`` downloads of a 1200 kb/s segment at a steady ``kbps``."""
    nbytes = 1200 * 125 * int(SEGMENT_S)
    for _ in range(count):
        controller.record(2, nbytes, nbytes * 8 / 1000 / kbps)


def test_throughput_picks_highest_rung_below_estimate_times_safety() -> None:
    controller = create_controller("throughput", LADDER, SEGMENT_S)
    feed(controller, 2000)  # 2000 x 0.9 = 1800: 1850 is out, 1200 is in
    assert controller.choose(20.0, 5, None) == 2
    feed(controller, 2100)  # harmonic mean of the last 5 = 2100, x 0.9 = 1890
    assert controller.choose(20.0, 10, None) == 3
    assert controller.last_decision.throughput_kbps == pytest.approx(2100)


def test_bba_reservoir_cushion_and_hold() -> None:
    bba = BbaController(LADDER, SEGMENT_S, reservoir_s=5.0, cushion_s=10.0)
    assert bba.choose(4.0, 1, None) == 0  # inside the reservoir
    assert bba.choose(15.0, 2, None) == 5  # past reservoir + cushion
    assert bba.choose(11.0, 3, None) == 4  # map 2500 falls below the next rung down (2850)
    assert bba.choose(11.4, 4, None) == 4  # map 2660 sits between 1850 and 4300: hold, no flicker
    assert bba.choose(5.5, 5, None) == 1  # map 500 → the lowest rung above it


def test_bola_prefers_higher_rungs_as_the_buffer_grows() -> None:
    bola = BolaController(LADDER, SEGMENT_S)
    picks = [bola.bola_quality(b) for b in range(0, 40, 2)]
    assert picks == sorted(picks) and picks[0] == 0 and picks[-1] == len(LADDER) - 1
    for quality in range(1, len(LADDER)):
        assert bola.bola_quality(bola.min_buffer_for(quality) + 0.01) >= quality


def test_robust_mpc_discounts_by_worst_recent_error() -> None:
    mpc = RobustMpcController(LADDER, SEGMENT_S)
    feed(mpc, 2000, 1)
    mpc.choose(4.0, 1, None)  # predicts 2000
    feed(mpc, 1000, 1)  # actual 1000: error 100 %
    mpc.choose(4.0, 2, None)
    harmonic = 2 / (1 / 2000 + 1 / 1000)
    assert mpc.last_decision.throughput_kbps == pytest.approx(harmonic / 2)


def test_lookahead_trades_stall_against_bitrate_like_the_metric() -> None:
    sizes = future_sizes(LADDER, SEGMENT_S, None, 5)
    # 3 Mb/s: 4300 drains 1.7 s of buffer per segment.  With 30 s buffered that is affordable...
    assert best_plan(30.0, 4, sizes, [3000.0], LADDER, SEGMENT_S).quality == 5
    # ...with 4 s it would stall, while 2850 (3.8 s per segment) is sustainable.
    assert best_plan(4.0, 4, sizes, [3000.0], LADDER, SEGMENT_S).quality == 4
    # Nearly empty: even 2850 stalls 3.3 s, which costs more than its bitrate brings.
    assert best_plan(0.5, 4, sizes, [3000.0], LADDER, SEGMENT_S).quality < 4


def test_future_sizes_use_the_manifest_for_the_next_segment() -> None:
    nominal = [b * 125 * SEGMENT_S for b in LADDER]
    actual = [int(2 * n) for n in nominal]
    sizes = future_sizes(LADDER, SEGMENT_S, actual, 3)
    assert list(sizes[0]) == actual
    assert list(sizes[2]) == pytest.approx([2 * n for n in nominal])  # later ones scaled like it


@pytest.mark.parametrize("name", ["default", "hybrid"])
def test_emergency_drop_when_the_buffer_is_nearly_empty(name: str) -> None:
    controller = create_controller(name, LADDER, SEGMENT_S)
    feed(controller, 8000, 5)
    picks = [controller.choose(40.0, index, None) for index in range(1, 7)]  # hybrid climbs one at a time
    assert picks[-1] >= 4
    feed(controller, 400, 1)  # the link just collapsed
    assert controller.choose(0.4, 7, None) == 0


def test_default_ramps_up_instead_of_jumping_to_the_top() -> None:
    default = create_controller("default", LADDER, SEGMENT_S)
    assert default.choose(0.0, 0, None) == 0
    feed(default, 6000, 1)
    first = default.choose(4.0, 1, None)
    assert 0 < first < len(LADDER) - 1
    assert "kb/s" in default.last_decision.reason


@pytest.mark.parametrize("name", ["default", "mpc", "throughput", "bola", "bba", "hybrid"])
def test_abandon_only_when_a_stall_is_coming(name: str) -> None:
    controller = create_controller(name, LADDER, SEGMENT_S)
    total = 4300 * 125 * 4  # a top-rung segment, 2.15 MB
    # 200 kB in 2 s = 100 kB/s: 19.5 s to go with 5 s buffered → restart lower.
    lower = controller.should_abandon(5, 200_000, total, 2.0, 5.0)
    assert lower is not None and lower < 5
    assert 300 * 125 * 4 / 100_000 <= 5.0  # the lowest rung (150 kB) does fit
    # Same rate but 30 s buffered: finishing costs no stall, keep going.
    assert controller.should_abandon(5, 200_000, total, 2.0, 30.0) is None
    # Too early to judge, or already at the lowest rung.
    assert controller.should_abandon(5, 10_000, total, 0.1, 1.0) is None
    assert controller.should_abandon(0, 10_000, 150_000, 2.0, 0.0) is None
