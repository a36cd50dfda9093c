"""Per-shot encoding for real: trial encodes of a clip with an easy and a hard shot, the plan, and x264
spending the planned share of a rung's bits on each shot, with segments aligned and resumable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from app.studio.media.analysis import analyse, merge_short_shots
from app.studio.media.encode import encode_video, remaining_scale, span_scale, zone_frames
from app.studio.media.index import scan_rendition
from app.studio.media.ladder import Rung, Zone
from app.studio.media.pershot import plan_per_shot
from app.studio.media.probe import probe
from app.studio.media.quality import measure_shots
from app.studio.media.segmenter import META_NAME, segment_name
from app.studio.media.validate import validate_package

from .conftest import SEGMENT_SECONDS

CUT_S = 2.0


@pytest.fixture(scope="module")
def two_shot_master(tmp_path_factory: pytest.TempPathFactory, synth: Callable[..., Path]) -> Path:
    """4 s 320x180: a clean shot, then (after a cut at 2 s) a grainy one that costs more bits."""
    folder = tmp_path_factory.mktemp("pershot")
    return synth(folder / "master.mp4", seconds=4.0, width=320, height=180, cuts=(CUT_S,), noise=(2.0, 6.0))


@pytest.fixture(scope="module")
def per_shot_rung(two_shot_master: Path) -> Rung:
    shots = merge_short_shots(analyse(two_shot_master).shots)
    assert [(s.start_s, s.end_s) for s in shots] == [(0.0, CUT_S), (CUT_S, 4.0)]
    points = measure_shots(two_shot_master, shots, [180], crfs=(20, 28, 36), eval_height=180)
    plan = plan_per_shot(probe(two_shot_master), shots, points, ["h264"], ladder=((180, 150),))
    return plan.rungs[0]


def _hard_share(directory: Path) -> float:
    """The grainy shot's rate relative to the rendition's average (segments are 1 s, the cut is on one)."""
    sizes = [s.bytes for s in scan_rendition(directory).segments]
    boundary = round(CUT_S / SEGMENT_SECONDS)
    return sum(sizes[boundary:]) / len(sizes[boundary:]) / (sum(sizes) / len(sizes))


def test_zones_are_numbered_from_the_first_frame_the_encoder_gets() -> None:
    zones = (Zone(0.0, 2.0, 0.6, 0.8), Zone(2.0, 3.5, 1.4, 1.3), Zone(3.5, 4.0, 1.0, 1.0))
    assert zone_frames(zones, Fraction(0), Fraction(24)) == [(0, 47, 0.8), (48, 83, 1.3)]  # 1.0: no zone
    # Resumed at 3 s: frame 0 is the source's frame 72, the middle zone's rest is frames 0..11.
    assert zone_frames(zones, Fraction(3), Fraction(24)) == [(0, 11, 1.3)]
    # ... and aims at the planned average of what is left, not at the whole rung's.
    assert remaining_scale(zones, Fraction(0)) == pytest.approx((2 * 0.6 + 1.5 * 1.4 + 0.5) / 4)
    assert remaining_scale(zones, Fraction(3)) == pytest.approx((0.5 * 1.4 + 0.5 * 1.0) / 1.0)


def test_a_per_shot_rung_spends_the_planned_share_on_each_shot(
    two_shot_master: Path, per_shot_rung: Rung, tmp_path: Path
) -> None:
    easy, hard = per_shot_rung.zones
    assert hard.bitrate_scale > 1.2 > 1 > easy.bitrate_scale
    uniform = replace(per_shot_rung, zones=())
    for rung, folder in ((per_shot_rung, "per-shot"), (uniform, "uniform")):
        encode_video(two_shot_master, [rung], tmp_path / folder, segment_seconds=SEGMENT_SECONDS, gpu="off")
    validate_package(tmp_path / "per-shot", SEGMENT_SECONDS)  # keyframes, timeline, decodability
    planned = hard.bitrate_scale
    with_zones = _hard_share(tmp_path / "per-shot" / per_shot_rung.id)
    without = _hard_share(tmp_path / "uniform" / uniform.id)
    assert with_zones > 1.2  # the hard shot really gets more bits ...
    assert abs(with_zones - planned) < 0.15  # ... about as many as planned ...
    assert abs(with_zones - planned) < abs(without - planned)  # ... which rate control alone does not do


def test_a_resumed_per_shot_rung_keeps_its_allocation_and_alignment(
    two_shot_master: Path, per_shot_rung: Rung, tmp_path: Path
) -> None:
    out = tmp_path / "enc"
    plain = replace(per_shot_rung, bitrate_kbps=per_shot_rung.bitrate_kbps + 1, zones=())
    encode_video(two_shot_master, [per_shot_rung, plain], out, segment_seconds=SEGMENT_SECONDS, gpu="off")
    rendition = out / per_shot_rung.id
    before = [s.bytes for s in scan_rendition(rendition).segments]
    (rendition / META_NAME).unlink()
    for number in (3, 4):  # both segments of the hard shot
        (rendition / segment_name(number)).unlink()
    stats = encode_video(two_shot_master, [per_shot_rung], out, segment_seconds=SEGMENT_SECONDS, gpu="off")
    assert stats.segments_written == 2
    validate_package(out, SEGMENT_SECONDS)  # still aligned with the rung that was not resumed
    after = [s.bytes for s in scan_rendition(rendition).segments]
    assert after[:2] == before[:2]
    # The restarted encoder still applies the hard shot's zone (renumbered from its own first frame).
    assert sum(after[2:]) == pytest.approx(sum(before[2:]), rel=0.25)


def test_an_encoder_without_zones_gets_the_allocation_segment_by_segment(
    two_shot_master: Path, tmp_path: Path
) -> None:
    """SVT-AV1 has no zones: each segment is encoded at its planned rate by a new encoder where it changes."""
    shots = merge_short_shots(analyse(two_shot_master).shots)
    points = measure_shots(two_shot_master, shots, [180], crfs=(20, 28, 36), eval_height=180)
    plan = plan_per_shot(probe(two_shot_master), shots, points, ["av1"], ladder=((180, 250),))
    (rung,) = plan.rungs
    assert plan.notes and "per segment" in plan.notes[0]
    zones = (Zone(0.0, 1.5, 0.5, 1.0), Zone(1.5, 4.0, 1.3, 1.0))
    assert span_scale(zones, Fraction(1), Fraction(2)) == pytest.approx((0.5 * 0.5 + 0.5 * 1.3) / 1.0)
    assert span_scale(zones, Fraction(5), Fraction(6)) == 1.0  # past the last zone: the rung's own rate
    # An allocation against the content (the easy shot gets the bits) shows the plan, not SVT-AV1's own
    # rate control, decides: without a new encoder per segment the grainy shot would still get more.
    rung = replace(rung, zones=(Zone(0.0, CUT_S, 1.5, 1.0), Zone(CUT_S, 4.0, 0.5, 1.0)))
    presets = {"av1": "12"}
    encode_video(two_shot_master, [rung], tmp_path / "enc", segment_seconds=SEGMENT_SECONDS, presets=presets)
    validate_package(tmp_path / "enc", SEGMENT_SECONDS)  # every segment an IDR, on the shared time grid
    assert _hard_share(tmp_path / "enc" / rung.id) == pytest.approx(0.5, abs=0.2)
