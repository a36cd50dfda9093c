"""Scene detection finds hard cuts; ladders are capped at the source and follow content complexity."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.studio.media.analysis import Analysis, Shot, analyse
from app.studio.media.ladder import LadderPlan, plan_fixed, plan_per_title

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


def _analysis(bits_per_pixel: float) -> Analysis:
    shots = (Shot(0, 0.0, 30.0, 720, bits_per_pixel / 2), Shot(1, 30.0, 60.0, 720, bits_per_pixel * 1.5))
    return Analysis(shots, 60.0, bits_per_pixel)


def test_per_title_spends_less_on_easy_content_and_more_on_hard_content() -> None:
    fixed = {r.height: r.bitrate_kbps for r in plan_fixed(SOURCE_1080).rungs}
    easy = plan_per_title(SOURCE_1080, _analysis(0.1))
    hard = plan_per_title(SOURCE_1080, _analysis(2.0))
    assert all(r.bitrate_kbps < fixed[r.height] for r in easy.rungs)
    assert all(r.bitrate_kbps > fixed[r.height] for r in hard.rungs)
    assert all(r.bitrate_kbps <= fixed[r.height] * 1.6 + 1 for r in hard.rungs)  # bounded
    assert [s.bitrate_scale for s in easy.shots] == pytest.approx([0.5, 1.5])


def test_plan_round_trips_through_plain_data() -> None:
    plan = plan_per_title(SOURCE_1080, _analysis(0.5), ["h264", "av1"])
    assert LadderPlan.from_dict(plan.to_dict()) == plan
