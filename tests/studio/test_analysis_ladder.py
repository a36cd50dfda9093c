"""Scene detection finds hard cuts; ladders are capped at the source and follow content complexity."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest

from app.studio.media.analysis import analyse
from app.studio.media.ladder import LadderPlan, plan_fixed, plan_per_title
from app.studio.media.quality import RatePoint

from .sources import source_info

SOURCE_1080 = source_info(1920, 1080)


def test_hard_cuts_become_shot_boundaries(cut_master: Path) -> None:
    analysis = analyse(cut_master)
    assert [round(s.start_s, 2) for s in analysis.shots] == [0.0, 1.0, 2.5, 3.25]
    assert analysis.shots[-1].end_s == pytest.approx(4.0)
    assert sum(s.frames for s in analysis.shots) == 96
    assert all(s.bits_per_pixel > 0 for s in analysis.shots)


def test_motion_without_cuts_is_one_shot(master: Path) -> None:
    assert len(analyse(master).shots) == 1


def _similar_tones_cut(path: Path) -> Path:
    """1.5 s of a dim panning gradient, then a cut to a dim gradient the other way (1.5 s): the grey
    levels overlap, so the histogram moves less than at a cut between differently lit shots."""
    ys, xs = np.mgrid[0:90, 0:160]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        stream.codec_context.options = {"preset": "ultrafast"}
        for i in range(72):
            grey = 30 + (xs + 2 * i) % 160 * 0.6 if i < 36 else 70 + (ys * 1.7 + 2 * i) % 150 * 0.6
            frame = av.VideoFrame.from_ndarray(
                np.repeat(grey[..., None], 3, axis=2).astype(np.uint8), "rgb24"
            )
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def test_a_cut_between_shots_of_similar_tones_is_found_by_the_abrupt_picture_change(tmp_path: Path) -> None:
    shots = analyse(_similar_tones_cut(tmp_path / "similar.mp4")).shots
    assert [round(s.start_s, 2) for s in shots] == [0.0, 1.5]


def test_fixed_ladder_is_capped_at_the_source_and_scaled_per_codec() -> None:
    small = replace(SOURCE_1080, width=1280, height=720)
    plan = plan_fixed(small, ["h264", "hevc", "av1"])
    h264 = [(r.width, r.height, r.bitrate_kbps) for r in plan.rungs if r.codec == "h264"]
    assert h264 == [(426, 240, 300), (640, 360, 700), (854, 480, 1200), (1280, 720, 2500)]
    by_height = {(r.codec, r.height): r.bitrate_kbps for r in plan.rungs}
    assert by_height["h264", 720] > by_height["hevc", 720] > by_height["av1", 720]
    assert all(r.max_bitrate_kbps > r.bitrate_kbps for r in plan.rungs)
    assert len({r.id for r in plan.rungs}) == len(plan.rungs)
    assert [r.height for r in plan_fixed(SOURCE_1080, max_rungs=5).rungs] == [240, 360, 480, 720, 1080]


def test_plan_round_trips_through_plain_data() -> None:
    points = [
        RatePoint("h264", height, kbps, 20 * math.log10(kbps) - height / 40, "vmaf", crf=crf)
        for height in (240, 720, 1080)
        for crf, kbps in ((35, 400), (23, 2000), (17, 6000))
    ]
    plan = plan_per_title(SOURCE_1080, points, ["h264", "av1"])
    assert plan.rate_quality == points
    assert LadderPlan.from_dict(plan.to_dict()) == plan
