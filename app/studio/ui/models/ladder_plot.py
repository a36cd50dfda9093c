"""The ladder preview's data: rate-quality curves, convex hulls and rung targets per shot.

Input is the ``GET /content/jobs/{id}/ladder`` answer (``LadderView`` in the API schemas). ``shot`` is a
shot index, or ``None`` for the measurements over the whole title.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

TITLE = None  # the ``shot`` value of measurements over the whole title


@dataclass(frozen=True)
class Curve:
    """Points sorted by bitrate: one encoder resolution's trials, or one codec's convex hull."""

    label: str
    codec: str
    bitrates_kbps: tuple[float, ...]
    qualities: tuple[float, ...]


@dataclass(frozen=True)
class RungMark:
    label: str
    bitrate_kbps: float


@dataclass(frozen=True)
class ShotBar:
    index: int
    start_s: float
    end_s: float
    scale: float


@dataclass(frozen=True)
class LadderPlot:
    curves: list[Curve]
    hulls: list[Curve]
    rung_marks: list[RungMark]


def shot_choices(ladder: dict[str, Any]) -> list[int | None]:
    """The whole title first, then every shot that was measured (or planned)."""
    measured = {p["shot"] for p in ladder.get("points", []) if p["shot"] is not None}
    planned = {s["index"] for s in ladder.get("shots", [])}
    return [TITLE, *sorted(measured | planned)]


def shot_label(ladder: dict[str, Any], shot: int | None) -> str:
    if shot is TITLE:
        return "Whole title"
    for planned in ladder.get("shots", []):
        if planned["index"] == shot:
            return f"Shot {shot} ({planned['startS']:.1f}–{planned['endS']:.1f} s)"
    return f"Shot {shot}"


def ladder_plot(ladder: dict[str, Any], shot: int | None) -> LadderPlot:
    """Curves per (codec, resolution), each codec's hull, and the rungs' targets for ``shot``."""
    points = [p for p in ladder.get("points", []) if p["shot"] == shot]
    by_resolution: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    hull_by_codec: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for point in points:
        by_resolution[point["codec"], point["height"]].append(point)
        if point["onHull"]:
            hull_by_codec[point["codec"]].append(point)
    curves = [
        _curve(f"{codec} {height}p", codec, group) for (codec, height), group in sorted(by_resolution.items())
    ]
    hulls = [_curve(f"{codec} hull", codec, group) for codec, group in sorted(hull_by_codec.items())]
    scale = _bitrate_scale(ladder, shot)
    marks = [
        RungMark(f"{r['height']}p {r['codec']}", r["bitrateKbps"] * scale)
        for r in sorted(ladder.get("rungs", []), key=lambda r: (r["codec"], r["bitrateKbps"]))
    ]
    return LadderPlot(curves, hulls, marks)


def bitrate_range(plot: LadderPlot) -> tuple[float, float] | None:
    """The bitrates to show: every measured point and rung target, with some room on both sides."""
    values = [b for c in plot.curves for b in c.bitrates_kbps] + [m.bitrate_kbps for m in plot.rung_marks]
    return (min(values) / 1.5, max(values) * 1.5) if values else None


def bitrate_ticks(plot: LadderPlot) -> list[tuple[float, str]]:
    """Round bitrates (1-2-5 steps) across :func:`bitrate_range`, for the log axis."""
    span = bitrate_range(plot)
    if span is None:
        return []
    low, high = span
    ticks = [m * 10**e for e in range(0, 7) for m in (1, 2, 5) if low <= m * 10**e <= high]
    return [(kbps, f"{kbps / 1000:g} M" if kbps >= 1000 else f"{kbps:g} k") for kbps in ticks]


def shot_bars(ladder: dict[str, Any]) -> list[ShotBar]:
    return [
        ShotBar(s["index"], s["startS"], s["endS"], s["bitrateScale"])
        for s in sorted(ladder.get("shots", []), key=lambda s: s["startS"])
    ]


def rung_cells(rung: dict[str, Any]) -> tuple[str, ...]:
    return (
        rung["id"],
        rung["codec"],
        f"{rung['width']}x{rung['height']}",
        f"{rung['bitrateKbps']} kb/s",
        f"{rung['maxBitrateKbps']} kb/s",
    )


def _curve(label: str, codec: str, points: list[dict[str, Any]]) -> Curve:
    ordered = sorted(points, key=lambda p: p["bitrateKbps"])
    return Curve(
        label,
        codec,
        tuple(float(p["bitrateKbps"]) for p in ordered),
        tuple(float(p["quality"]) for p in ordered),
    )


def _bitrate_scale(ladder: dict[str, Any], shot: int | None) -> float:
    """A shot's rungs target their average bitrate times the shot's scale; the title's, the average."""
    for planned in ladder.get("shots", []):
        if planned["index"] == shot:
            return float(planned["bitrateScale"])
    return 1.0
