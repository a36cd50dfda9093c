"""Rate-quality trials, BD-rate, and the convex-hull ladder built from them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from app.studio.media.ladder import plan_fixed, plan_per_title
from app.studio.media.quality import RatePoint, bd_rate, measure_rate_quality, quality_at

from .sources import source_info

SOURCE_720 = source_info(1280, 720)


@pytest.mark.parametrize("metric", ["vmaf", "psnr_y"])
def test_trial_encodes_trade_bits_for_quality(master: Path, metric: str) -> None:
    points = measure_rate_quality(
        master, [54, 90], crfs=(20, 40), windows=1, window_s=1.0, eval_height=90, metric=metric
    )
    by_key = {(p.height, round(p.bitrate_kbps)): p for p in points}
    assert len(by_key) == 4 and all(p.metric == metric and p.shot is None for p in points)
    for height in (54, 90):
        fine, coarse = sorted((p for p in points if p.height == height), key=lambda p: -p.bitrate_kbps)
        assert fine.quality > coarse.quality  # CRF 20 beats CRF 40 ...
    full = [p for p in points if p.height == 90]
    small = [p for p in points if p.height == 54]
    assert max(p.bitrate_kbps for p in full) > max(
        p.bitrate_kbps for p in small
    )  # ... and more pixels cost bits
    assert max(p.quality for p in full) > max(p.quality for p in small)  # upscaling loses detail


def test_bd_rate_of_a_curve_needing_fewer_bits_is_negative() -> None:
    reference = [(kbps, 30 + 5 * math.log2(kbps / 300)) for kbps in (300, 700, 1200, 2500, 5000)]
    cheaper = [(kbps * 0.8, q) for kbps, q in reference]
    assert bd_rate(reference, cheaper) == pytest.approx(-20.0, abs=0.01)
    assert bd_rate(reference, reference) == pytest.approx(0.0, abs=1e-9)


def test_quality_interpolates_in_log_rate_extrapolates_down_and_stays_flat_above() -> None:
    points = [RatePoint("h264", 360, kbps, q, "psnr_y") for kbps, q in ((100, 30.0), (400, 36.0))]
    assert quality_at(points, 360, 200) == pytest.approx(33.0)
    assert quality_at(points, 360, 50) == pytest.approx(27.0)
    assert quality_at(points, 360, 800) == pytest.approx(36.0)  # no quality promised beyond the measured
    with pytest.raises(ValueError):
        quality_at(points, 720, 200)


def _curves(shift_db: dict[int, float]) -> list[RatePoint]:
    """Curves per height: quality = 10*log10(kbps) + shift, so a larger shift is better at every rate."""
    return [
        RatePoint("h264", height, kbps, 10 * math.log10(kbps) + shift, "psnr_y")
        for height, shift in shift_db.items()
        for kbps in (200, 800, 3200)
    ]


def test_convex_hull_ladder_picks_the_best_resolution_per_bitrate() -> None:
    # Easy content: 720p beats every smaller size at every rate, so the hull uses it throughout.
    easy = plan_per_title(SOURCE_720, _curves({240: 0, 360: 1, 480: 2, 720: 3}))
    assert {r.height for r in easy.rungs} == {720}
    fixed = plan_fixed(SOURCE_720)
    assert [r.bitrate_kbps for r in easy.rungs] == [r.bitrate_kbps for r in fixed.rungs]
    assert len({r.id for r in easy.rungs}) == len(easy.rungs)  # same size twice still gets unique ids
    assert easy.mode == "per-title" and len(easy.rate_quality) == 12
    # Hard content where the smallest size wins everywhere; other codecs follow the same choices.
    hard = plan_per_title(SOURCE_720, _curves({240: 3, 360: 2, 480: 1, 720: 0}), ["h264", "av1"])
    assert {r.height for r in hard.rungs} == {240}
    assert [r.codec for r in hard.rungs].count("av1") == 4
