"""Per-shot planning: tiny shots merged, bits shared so every shot reaches the same quality, the plan's
zones and its view for the studio (the content API's ``LadderView`` contract)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from app.backend.api.schemas import LadderView
from app.studio.media.analysis import Shot, merge_short_shots
from app.studio.media.ladder import LadderPlan, ladder_view, plan_fixed
from app.studio.media.pershot import ShotCurve, allocate, fit_mean, plan_per_shot
from app.studio.media.quality import RatePoint, combine, on_upper_hull

from .sources import source_info

SOURCE_720 = source_info(1280, 720, duration_s=10.0)
SHOTS = (Shot(0, 0.0, 6.0, 144, 0.1), Shot(1, 6.0, 10.0, 96, 0.8))  # a long easy shot, a hard one
CRFS = (18, 24, 30, 36)


def _shot_points(shot: int, height: int, cost: float) -> list[RatePoint]:
    """A VMAF-like curve: rates double per 6 CRF, quality saturating toward 100. A hard shot needs ``cost``
    times the bits of a unit shot for the same quality, but one CRF gives it only ``cost ** 0.6`` times
    (as x264's qcomp does): so equal quality takes more than the encoder's own share."""
    points = []
    for crf in CRFS:
        kbps = cost**0.6 * height * 4 * 2 ** ((36 - crf) / 6)
        quality = 100 - 60 * math.exp(-kbps / (cost * height * 4))
        points.append(RatePoint("h264", height, kbps, quality, "vmaf", shot, crf))
    return points


def _points() -> list[RatePoint]:
    per_shot = [p for h in (360, 720) for p in _shot_points(0, h, 1.0) + _shot_points(1, h, 2.0)]
    return per_shot + combine(per_shot, {s.index: s.duration_s for s in SHOTS})


def _curves(height: int) -> list[ShotCurve]:
    points = _points()
    return [ShotCurve.of([p for p in points if p.shot == s.index and p.height == height]) for s in SHOTS]


def test_short_shots_join_their_shorter_neighbour() -> None:
    shots = [Shot(0, 0.0, 3.0, 72, 0.2), Shot(1, 3.0, 3.25, 6, 1.0), Shot(2, 3.25, 4.0, 18, 0.4)]
    merged = merge_short_shots(shots, min_s=1.0)
    assert [(s.index, s.start_s, s.end_s, s.frames) for s in merged] == [(0, 0.0, 3.0, 72), (1, 3.0, 4.0, 24)]
    assert merged[1].bits_per_pixel == pytest.approx((1.0 * 6 + 0.4 * 18) / 24)
    assert merge_short_shots(shots[1:2]) == [replace(shots[1], index=0)]  # a title too short stays whole


def test_allocation_gives_the_hard_shot_more_bits_at_the_target_average_and_evens_quality() -> None:
    curves, weights = _curves(720), [s.duration_s for s in SHOTS]
    target = 8000.0
    easy, hard = allocate(curves, weights, target)
    assert hard > target > easy
    assert (6 * easy + 4 * hard) / 10 == pytest.approx(target)
    assert 0.3 * target <= easy and hard <= 1.5 * target
    spread = abs(curves[0].quality(easy) - curves[1].quality(hard))
    uniform = abs(curves[0].quality(target) - curves[1].quality(target))
    assert spread < uniform / 3


def test_fitting_the_mean_respects_the_bounds() -> None:
    fitted = fit_mean([100.0, 1000.0], [1.0, 1.0], 500.0, low=150.0, high=750.0)
    assert fitted[1] == 750.0 and fitted[0] == pytest.approx(250.0)


def test_upper_hull_keeps_only_points_no_mix_of_others_beats() -> None:
    points = [
        RatePoint("h264", 360, 100, 50.0, "vmaf", 0),
        RatePoint("h264", 720, 200, 52.0, "vmaf", 0),  # under the chord from 100 to 400 kbps
        RatePoint("h264", 720, 400, 70.0, "vmaf", 0),
        RatePoint("h264", 360, 800, 65.0, "vmaf", 0),  # more bits, less quality than 400 kbps
        RatePoint("h264", 360, 200, 40.0, "vmaf", 1),  # another shot: a hull of its own
    ]
    assert on_upper_hull(points) == [True, False, True, False, True]


def test_per_shot_plan_carries_zones_per_rung_and_notes_what_an_encoder_cannot_do() -> None:
    plan = plan_per_shot(SOURCE_720, SHOTS, _points(), ["h264", "av1"], ladder=((360, 700), (720, 2500)))
    assert plan.mode == "per-shot" and len(plan.rungs) == 4
    for rung in plan.rungs:
        easy, hard = rung.zones
        assert (easy.start_s, easy.end_s, hard.start_s, hard.end_s) == (0.0, 6.0, 6.0, 10.0)
        assert hard.bitrate_scale > 1 > easy.bitrate_scale
        assert 0.6 * easy.bitrate_scale + 0.4 * hard.bitrate_scale == pytest.approx(1.0)
        assert hard.rate_factor > easy.rate_factor  # beyond what rate control does on its own
    assert [s.bitrate_scale > 1 for s in plan.shots] == [False, True]
    assert plan.notes and "av1" in plan.notes[0] and "h264" not in " ".join(plan.notes)
    assert LadderPlan.from_dict(plan.to_dict()) == plan


def test_ladder_view_follows_the_content_api_contract() -> None:
    plan = plan_per_shot(SOURCE_720, SHOTS, _points(), ["h264"], ladder=((360, 700), (720, 2500)))
    view = ladder_view(plan)
    LadderView.model_validate(view)  # extra keys are forbidden: the contract is exact
    assert view["mode"] == "per-shot" and view["metric"] == "vmaf"
    assert view["rungs"][0] == {
        "id": plan.rungs[0].id,
        "codec": "h264",
        "width": plan.rungs[0].width,
        "height": plan.rungs[0].height,
        "bitrateKbps": plan.rungs[0].bitrate_kbps,
        "maxBitrateKbps": plan.rungs[0].max_bitrate_kbps,
    }
    assert [(s["index"], s["startS"], s["endS"]) for s in view["shots"]] == [(0, 0.0, 6.0), (1, 6.0, 10.0)]
    assert {p["shot"] for p in view["points"]} == {0, 1, None}
    assert any(p["onHull"] for p in view["points"]) and not all(p["onHull"] for p in view["points"])
    fixed = ladder_view(plan_fixed(SOURCE_720))
    LadderView.model_validate(fixed)
    assert fixed["metric"] is None and fixed["shots"] == [] and fixed["points"] == []
