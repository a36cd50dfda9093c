"""Simulator physics and QoE arithmetic on cases small enough to compute by hand."""

from __future__ import annotations

import numpy as np
import pytest

from app.player.simulation import LinkModel, Trace, Video, load_trace, simulate
from app.player.simulation.qoe import linear_qoe


class Scripted:
    """Plays a fixed rung sequence and remembers what it was told."""

    def __init__(self, qualities: list[int]) -> None:
        self.qualities = qualities
        self.buffers: list[float] = []
        self.records: list[tuple[int, int, float]] = []

    def choose(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> int:
        self.buffers.append(buffer_s)
        return self.qualities[segment_index]

    def record(self, quality: int, nbytes: int, seconds: float) -> None:
        self.records.append((quality, nbytes, seconds))


def constant(mbps: float) -> Trace:
    return Trace("flat", np.array([0.0, 100.0]), np.array([mbps, mbps]))


def test_finish_time_crosses_an_outage_and_loops() -> None:
    # 8 Mb/s = 1e6 B/s over (0, 1], nothing over (1, 2], then the trace starts again.
    trace = Trace("gap", np.array([0.0, 1.0, 2.0]), np.array([0.0, 8.0, 0.0]))
    assert trace.finish_time(0.0, 5e5) == pytest.approx(0.5)
    assert trace.finish_time(0.5, 1e6) == pytest.approx(2.5)
    assert trace.finish_time(np.array([0.0, 0.5]), np.array([1e6, 0.0])) == pytest.approx([1.0, 0.5])


def test_load_trace_reads_cooked_format(tmp_path) -> None:
    path = tmp_path / "t"
    path.write_text("0.0\t1.5\n1.0\t2.0\n2.0\t4.0\n")
    trace = load_trace(path)
    assert trace.period_s == 2.0
    assert trace.mean_mbps == pytest.approx(3.0)  # line 0's rate covers no time


def test_qoe_of_a_hand_computed_session() -> None:
    # 1e6 B/s; rung 0 = 250 kB, rung 1 = 500 kB per 2 s segment; 80 ms RTT per request.
    video = Video.constant_bitrate([1000, 2000], 2.0, 3)
    player = Scripted([0, 1, 1])
    result = simulate(player, constant(8.0), video)
    assert result.startup_s == pytest.approx(0.33)
    assert result.rebuffer_s == pytest.approx(0.33)
    assert player.buffers == pytest.approx([0.0, 2.0, 3.42])
    assert [r[2] for r in player.records] == pytest.approx([0.33, 0.58, 0.58])
    assert result.qoe == pytest.approx(5.0 - 4.3 * 0.33 - 1.0)
    assert result.switches == 1


def test_stalls_count_and_buffer_cap_waits() -> None:
    video = Video.constant_bitrate([1000], 1.0, 3)
    stalled = simulate(Scripted([0, 0, 0]), constant(1.0), video)  # 1.08 s per 1 s segment
    assert stalled.rebuffer_s == pytest.approx(1.08 + 0.08 + 0.08)
    assert stalled.qoe == pytest.approx(3.0 - 4.3 * 1.24)
    assert stalled.rebuffer_ratio == pytest.approx(1.24 / (3.0 + 1.24))
    capped = Scripted([0, 0, 0])
    simulate(capped, constant(8.0), Video.constant_bitrate([1000, 2000], 2.0, 3), LinkModel(buffer_cap_s=3.0))
    assert capped.buffers == pytest.approx([0.0, 2.0, 3.0])


def test_linear_qoe_penalises_every_switch() -> None:
    assert linear_qoe([1000, 3000, 1000], 0.0) == pytest.approx(5.0 - 4.0)


def test_sizes_are_hidden_when_the_manifest_has_none() -> None:
    class Probe(Scripted):
        def choose(self, buffer_s: float, segment_index: int, next_sizes_bytes: list[int] | None) -> int:
            self.seen = next_sizes_bytes
            return 0

    video = Video.constant_bitrate([1000, 2000], 2.0, 1)
    told, hidden = Probe([]), Probe([])
    simulate(told, constant(8.0), video)
    simulate(hidden, constant(8.0), video, tell_sizes=False)
    assert told.seen == [250_000, 500_000] and hidden.seen is None


def test_simulator_rejects_out_of_range_choices() -> None:
    with pytest.raises(ValueError):
        simulate(Scripted([5]), constant(8.0), Video.constant_bitrate([1000], 1.0, 1))
