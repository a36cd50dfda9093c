"""Per-shot ladder planning: each rung's resolution from the title's convex hull, and its bits shared out
over the shots so that every shot reaches about the same quality.

A fixed rate per rung gives easy shots more bits than they can use and starves hard ones; quality then
swings from shot to shot, and the viewer notices the worst. Each shot's own rate-quality curve at the
rung's resolution (trial encodes, see :func:`quality.measure_shots`) says what it needs to reach a given
quality, so one common quality level is searched (bisection) at which the duration-weighted mean of the
shots' rates equals the rung's target. Shots are clamped to a sane share of the rung: no starved shot, and
none above the rung's peak (VBV) rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.studio.media.analysis import Shot
from app.studio.media.codecs import ZONE_ENCODERS, family
from app.studio.media.ladder import (
    PEAK_RATIO,
    STANDARD_LADDER,
    LadderPlan,
    ShotSetting,
    Zone,
    plan_per_title,
)
from app.studio.media.probe import MediaInfo
from app.studio.media.quality import RatePoint, interpolate

# A shot's rate relative to its rung's average: floor, so no shot is starved whatever its curve says.
MIN_SHOT_SCALE = 0.3
# The encoder multiplier of a zone is kept within this range: rate control past it is unpredictable.
RATE_FACTOR_RANGE = (0.25, 4.0)
_BISECTIONS = 60


@dataclass(frozen=True)
class ShotCurve:
    """One shot's quality vs rate at one resolution, made non-decreasing (measurement noise aside, more
    bits never cost quality), linear in log-rate, extended down past the lowest measured rate."""

    log_rates: tuple[float, ...]
    qualities: tuple[float, ...]

    @classmethod
    def of(cls, points: Sequence[RatePoint]) -> ShotCurve:
        if not points:
            raise ValueError("a shot without rate-quality points")
        xs: list[float] = []
        ys: list[float] = []
        for point in sorted(points, key=lambda p: p.bitrate_kbps):
            if ys and point.quality <= ys[-1]:
                continue
            xs.append(math.log(point.bitrate_kbps))
            ys.append(point.quality)
        return cls(tuple(xs), tuple(ys))

    def quality(self, kbps: float) -> float:
        """Flat past the highest measured rate, as :func:`quality.curve_at`."""
        return interpolate(self.log_rates, self.qualities, min(math.log(kbps), self.log_rates[-1]))

    def rate(self, quality: float, low: float, high: float) -> float:
        """The rate in [``low``, ``high``] at which the shot reaches ``quality`` (an end when it cannot)."""
        if self.quality(low) >= quality:
            return low
        if self.quality(high) < quality:
            return high
        return min(high, max(low, math.exp(interpolate(self.qualities, self.log_rates, quality))))


def allocate(
    curves: Sequence[ShotCurve],
    weights: Sequence[float],
    target_kbps: float,
    *,
    low_scale: float = MIN_SHOT_SCALE,
    high_scale: float = PEAK_RATIO,
) -> list[float]:
    """Per-shot rates (kbps) that give every shot the same quality at a duration-weighted mean of
    ``target_kbps``; each within [``low_scale``, ``high_scale``] × the target."""
    low, high = low_scale * target_kbps, high_scale * target_kbps
    total = sum(weights)

    def mean_rate(quality: float) -> float:
        return sum(w * c.rate(quality, low, high) for c, w in zip(curves, weights, strict=True)) / total

    q_low = min(c.quality(low) for c in curves)
    q_high = max(c.quality(high) for c in curves)
    for _ in range(_BISECTIONS):
        middle = (q_low + q_high) / 2
        if mean_rate(middle) < target_kbps:
            q_low = middle
        else:
            q_high = middle
    return fit_mean([c.rate(q_high, low, high) for c in curves], weights, target_kbps, low, high)


def fit_mean(
    rates: Sequence[float], weights: Sequence[float], target: float, low: float, high: float
) -> list[float]:
    """``rates`` scaled so their weighted mean is ``target``, each kept within [``low``, ``high``].

    Shots already at the bound they are pushed against keep it and the others take up the rest (a curve
    flat over part of the range makes the common-quality search jump across the target, and a rung's peak
    rate caps what rate control gives its hardest shots).
    """
    fitted = [min(high, max(low, r)) for r in rates]
    total = sum(weights)
    for _ in range(len(fitted)):
        mean = sum(w * r for w, r in zip(weights, fitted, strict=True)) / total
        if math.isclose(mean, target, rel_tol=1e-9):
            break
        up = mean < target
        free = [i for i, r in enumerate(fitted) if (r < high if up else r > low)]
        if not free:
            break
        fixed = sum(weights[i] * fitted[i] for i in range(len(fitted)) if i not in free)
        movable = sum(weights[i] * fitted[i] for i in free)
        factor = (target * total - fixed) / movable if movable else 1.0
        for i in free:
            fitted[i] = min(high, max(low, fitted[i] * factor))
    return fitted


def plan_per_shot(
    info: MediaInfo,
    shots: Sequence[Shot],
    points: Sequence[RatePoint],
    codecs: Sequence[str] = ("h264",),
    *,
    max_rungs: int | None = None,
    ladder: Sequence[tuple[int, int]] = STANDARD_LADDER,
) -> LadderPlan:
    """The per-shot ladder from :func:`quality.measure_shots` points (per shot, plus ``shot=None`` title).

    Resolutions come from the title-level convex hull; each rung then gets one :class:`Zone` per shot.
    Points are measured with one codec; other codecs share its allocation at their own bitrates.
    """
    if not shots:
        raise ValueError("per-shot planning needs at least one shot")
    title = [p for p in points if p.shot is None]
    plan = plan_per_title(info, title, codecs, max_rungs=max_rungs, ladder=ladder)
    measured = family(points[0].codec).bitrate_ratio
    weights = [s.duration_s for s in shots]
    rungs = []
    for rung in plan.rungs:
        curves = [ShotCurve.of(_at(points, s.index, rung.height)) for s in shots]
        target = rung.bitrate_kbps / family(rung.codec).bitrate_ratio * measured
        rates = allocate(curves, weights, target, high_scale=rung.max_bitrate_kbps / rung.bitrate_kbps)
        # What 1-pass ABR gives each shot by itself: its constant-CRF share, capped by the peak rate (VBV).
        natural = fit_mean(
            [_natural_rate(points, s.index, rung.height, target) for s in shots],
            weights,
            target,
            0.0,
            target * rung.max_bitrate_kbps / rung.bitrate_kbps,
        )
        zones = []
        for shot, rate, own in zip(shots, rates, natural, strict=True):
            factor = min(RATE_FACTOR_RANGE[1], max(RATE_FACTOR_RANGE[0], rate / own))
            zones.append(Zone(shot.start_s, shot.end_s, rate / target, factor))
        rungs.append(replace(rung, zones=tuple(zones)))
    settings = [
        ShotSetting(s.index, s.start_s, s.end_s, sum(r.zones[i].bitrate_scale for r in rungs) / len(rungs))
        for i, s in enumerate(shots)
    ]
    notes = [
        f"{codec}: {family(codec).software} has no rate-control zones; its rungs get the allocation per"
        " segment (a new encoder where the planned rate changes), not shot-exact"
        for codec in codecs
        if family(codec).software not in ZONE_ENCODERS
    ]
    return LadderPlan("per-shot", rungs, shots=settings, rate_quality=list(points), notes=notes)


def _at(points: Sequence[RatePoint], shot: int, height: int) -> list[RatePoint]:
    return [p for p in points if p.shot == shot and p.height == height]


def _natural_rate(points: Sequence[RatePoint], shot: int, height: int, title_kbps: float) -> float:
    """The rate the encoder's own rate control would give the shot when the title averages ``title_kbps``.

    Trials at one CRF show how an encoder shares bits between shots at a constant rate factor, which is
    what 1-pass ABR converges to; it is read off the (title rate, shot rate) pairs of each CRF.
    """
    title = {p.crf: p.bitrate_kbps for p in points if p.shot is None and p.height == height}
    pairs = sorted(
        (math.log(title[p.crf]), math.log(p.bitrate_kbps))
        for p in _at(points, shot, height)
        if p.crf in title
    )
    if not pairs:
        return title_kbps
    return math.exp(interpolate([x for x, _ in pairs], [y for _, y in pairs], math.log(title_kbps)))
