"""The ABR lab service: per-segment timelines that agree with the simulator, and the optimum yardstick."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.player import lab
from app.player.abr import create_controller
from app.player.lab import capacity_steps, default_video, replay, run_lab, shared_trace_files
from app.player.network import profile_trace
from app.player.simulation import LinkModel, Trace, Video, simulate
from app.player.simulation.simulator import SegmentStep

LADDER = [300, 750, 1200, 1850, 2850, 4300]


class Scripted:
    def __init__(self, qualities: list[int]) -> None:
        self.qualities = qualities

    def choose(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> int:
        return self.qualities[segment_index]

    def record(self, quality: int, nbytes: int, seconds: float) -> None:
        pass


def constant(mbps: float) -> Trace:
    return Trace("flat", np.array([0.0, 100.0]), np.array([mbps, mbps]))


def short_video() -> Video:
    return Video.constant_bitrate(LADDER, 4.0, 20)


def test_observer_sees_each_segment_as_the_simulator_plays_it() -> None:
    # 1e6 B/s, 80 ms RTT; 2 s segments of 250 kB (0.33 s each) into a 3 s buffer cap.
    video = Video.constant_bitrate([1000], 2.0, 3)
    steps: list[SegmentStep] = []
    result = simulate(
        Scripted([0, 0, 0]), constant(8.0), video, LinkModel(buffer_cap_s=3.0), observer=steps.append
    )
    assert [s.index for s in steps] == [0, 1, 2]
    first, second = steps[0], steps[1]
    assert first.request_s == 0.0 and first.buffer_before_s == 0.0
    assert first.download_s == pytest.approx(0.33)
    assert first.stall_s == pytest.approx(0.33) and first.buffer_after_s == pytest.approx(2.0)
    assert first.arrival_s == pytest.approx(0.33) and first.next_request_s == pytest.approx(0.33)
    # 2 - 0.33 + 2 = 3.67 s after the second arrives: over the cap, so the client waits 0.67 s.
    assert second.buffer_after_s == pytest.approx(3.67)
    assert second.next_request_s == pytest.approx(second.arrival_s + 0.67)
    assert steps[2].request_s == pytest.approx(second.next_request_s)
    assert steps[2].buffer_before_s == pytest.approx(3.0)
    assert sum(s.stall_s for s in steps) == pytest.approx(result.rebuffer_s)


def test_observing_does_not_change_the_session() -> None:
    trace, video = profile_trace("train-tunnel"), default_video()
    plain = simulate(
        create_controller("default", list(video.bitrates_kbps), video.segment_seconds), trace, video
    )
    run = replay("default", trace, video)
    assert run.result == plain


def test_timeline_explains_every_decision() -> None:
    trace, video = profile_trace("3g-commute"), short_video()
    run = replay("mpc", trace, video)
    timeline = run.timeline
    assert len(timeline) == video.num_segments
    assert tuple(r.bitrate_kbps for r in timeline) == run.result.bitrates_kbps
    assert sum(r.stall_s for r in timeline) == pytest.approx(run.result.rebuffer_s)
    assert timeline[0].estimate_kbps is None and "startup" in timeline[0].reason
    assert all(r.estimate_kbps and r.estimate_kbps > 0 and "MPC" in r.reason for r in timeline[1:])
    for before, after in zip(timeline, timeline[1:], strict=False):
        assert after.time_s >= before.arrival_s >= before.time_s
        assert after.buffer_before_s <= before.buffer_after_s + 1e-9
    for r in timeline:
        size = video.sizes_bytes[r.quality, r.index]
        assert r.throughput_kbps == pytest.approx(size * 8 / 1000 / (r.arrival_s - r.time_s))
        # a 3G link never delivers faster than its best sample
        assert r.throughput_kbps <= trace.mbps.max() * 1000


def test_stall_interval_runs_from_an_empty_buffer_to_the_arrival() -> None:
    run = replay("throughput", profile_trace("train-tunnel"), default_video())
    stalled = [r for r in run.timeline if r.stall_s > 0]
    assert (
        stalled
        and stalled[0].index == 0
        and stalled[0].stall_interval == pytest.approx((0.0, stalled[0].arrival_s))
    )
    for r in stalled:
        start, end = r.stall_interval
        assert start == pytest.approx(r.time_s + r.buffer_before_s) and end == r.arrival_s
    assert all(r.stall_interval is None for r in run.timeline if r.stall_s == 0)


def test_run_lab_compares_controllers_against_the_optimum() -> None:
    result = run_lab(profile_trace("train-tunnel"), ["default", "bba", "default"], short_video())
    assert list(result.runs) == ["default", "bba"]
    assert result.optimum_qoe is not None and "optimum in" in result.optimum_note
    for name, run in result.runs.items():
        assert run.result.qoe <= result.optimum_qoe + 1e-6
        assert result.share_of_optimum(name) == pytest.approx(run.result.qoe / result.optimum_qoe)
    assert result.trace.name == "train-tunnel"


def test_optimum_is_skipped_when_over_budget() -> None:
    result = run_lab(profile_trace("steady-cable"), ["bola"], short_video(), optimum_budget_s=0.0)
    assert result.optimum_qoe is None and "skipped" in result.optimum_note
    assert result.share_of_optimum("bola") is None
    assert lab.optimum_cost_s(default_video()) < lab.OPTIMUM_BUDGET_S  # the default video is affordable


def test_run_lab_refuses_bad_controller_lists() -> None:
    with pytest.raises(ValueError, match="at least one"):
        run_lab(profile_trace("steady-cable"), [])
    with pytest.raises(ValueError, match="unknown ABR controller"):
        run_lab(profile_trace("steady-cable"), ["default", "magic"])


def test_default_video_falls_back_to_a_cbr_ladder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(lab, "SHARED_VIDEO", tmp_path / "missing.json")
    video = default_video()
    assert list(video.bitrates_kbps) == lab.FALLBACK_LADDER_KBPS and video.num_segments == 48
    assert video.sizes_bytes[0, 0] == 300 * 125 * 4.0


def test_default_video_is_the_shared_one_when_present() -> None:
    if not lab.SHARED_VIDEO.is_file():
        pytest.skip("shared ABR data not present")
    video = default_video()
    assert list(video.bitrates_kbps) == LADDER and video.num_segments == 48
    assert len(set(video.sizes_bytes[0])) > 1  # real per-segment sizes, not the CBR fallback


def test_shared_trace_files_lists_the_sets_present(tmp_path: Path) -> None:
    (tmp_path / "fcc").mkdir()
    (tmp_path / "fcc" / "b").write_text("0 1\n")
    (tmp_path / "fcc" / "a").write_text("0 1\n")
    (tmp_path / "fcc" / ".hidden").write_text("")
    assert shared_trace_files(tmp_path) == {"fcc": [tmp_path / "fcc" / "a", tmp_path / "fcc" / "b"]}
    assert shared_trace_files(tmp_path / "nowhere") == {}


def test_capacity_steps_loop_the_trace_up_to_the_end() -> None:
    # Rates hold over (t[i-1], t[i]]: 1 Mb/s over (0, 1], 2 Mb/s over (1, 2]; the 9 on line 0 covers no time.
    trace = Trace("x", np.array([0.0, 1.0, 2.0]), np.array([9.0, 1.0, 2.0]))
    x, y = capacity_steps(trace, 4.5)
    assert list(x) == [0.0, 1.0, 2.0, 3.0, 4.0, 4.5]
    assert list(y) == [1.0, 2.0, 1.0, 2.0, 1.0, 1.0]
