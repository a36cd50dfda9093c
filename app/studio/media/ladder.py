"""Ladder planning: which renditions (codec × resolution × bitrate) an encode produces.

A :class:`LadderPlan` is plain data (``to_dict``/``from_dict``) so the workflow can persist it, and it has
room for per-shot settings and the rate-quality points that convex-hull planning and the GUI's plot use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from app.studio.media.analysis import Analysis
from app.studio.media.codecs import family
from app.studio.media.probe import MediaInfo
from app.studio.media.quality import RatePoint, quality_at

# (height, H.264 kbps): the classic 16:9 ladder for content of average difficulty.
STANDARD_LADDER: tuple[tuple[int, int], ...] = (
    (240, 300),
    (360, 700),
    (480, 1200),
    (720, 2500),
    (1080, 5000),
    (1440, 9000),
    (2160, 16000),
)
AUDIO_KBPS = 128
# VBV cap relative to the target: room for hard scenes, bounded so a player can budget for it.
PEAK_RATIO = 1.5
# Trial-encode cost (bits/pixel at CRF 23, see analysis) of the content the standard ladder was tuned for.
REFERENCE_BITS_PER_PIXEL = 0.4
# How strongly per-title follows complexity; below 1 because quality saturates on both ends.
COMPLEXITY_EXPONENT = 0.6
PER_TITLE_SCALE_RANGE = (0.4, 1.6)


@dataclass(frozen=True)
class Rung:
    """One video rendition to encode."""

    codec: str
    width: int
    height: int
    bitrate_kbps: int
    max_bitrate_kbps: int

    @property
    def id(self) -> str:
        """Directory and Representation id: unique within an encode (a convex-hull ladder may use one
        resolution at two bitrates), stable across resumes."""
        return f"{self.codec}_{self.height}p_{self.bitrate_kbps}k"


@dataclass(frozen=True)
class ShotSetting:
    """Per-shot encode settings (per-shot planning fills these; fixed/per-title leave them empty)."""

    shot_index: int
    start_s: float
    end_s: float
    bitrate_scale: float


@dataclass
class LadderPlan:
    mode: str
    rungs: list[Rung]
    audio_kbps: int = AUDIO_KBPS
    shots: list[ShotSetting] = field(default_factory=list)
    rate_quality: list[RatePoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LadderPlan:
        return cls(
            mode=data["mode"],
            rungs=[Rung(**r) for r in data["rungs"]],
            audio_kbps=data.get("audio_kbps", AUDIO_KBPS),
            shots=[ShotSetting(**s) for s in data.get("shots", [])],
            rate_quality=[RatePoint(**p) for p in data.get("rate_quality", [])],
        )


def plan_fixed(
    info: MediaInfo,
    codecs: Sequence[str] = ("h264",),
    *,
    max_rungs: int | None = None,
    ladder: Sequence[tuple[int, int]] = STANDARD_LADDER,
) -> LadderPlan:
    """The standard ladder capped at the source height (never upscale), scaled per codec efficiency."""
    return LadderPlan("fixed", _rungs(info, codecs, ladder, 1.0, max_rungs))


def plan_per_title(
    info: MediaInfo,
    analysis: Analysis,
    codecs: Sequence[str] = ("h264",),
    *,
    max_rungs: int | None = None,
    ladder: Sequence[tuple[int, int]] = STANDARD_LADDER,
) -> LadderPlan:
    """Standard resolutions with bitrates scaled by the title's measured coding complexity.

    Easy content (animation, static shots) gets fewer bits for the same quality, hard content (grain,
    sports) more; the scale is bounded so a mis-measured title still gets a sane ladder.
    """
    low, high = PER_TITLE_SCALE_RANGE
    scale = (max(analysis.bits_per_pixel, 1e-6) / REFERENCE_BITS_PER_PIXEL) ** COMPLEXITY_EXPONENT
    scale = min(high, max(low, scale))
    plan = LadderPlan("per-title", _rungs(info, codecs, ladder, scale, max_rungs))
    plan.shots = [
        ShotSetting(s.index, s.start_s, s.end_s, s.bits_per_pixel / max(analysis.bits_per_pixel, 1e-9))
        for s in analysis.shots
    ]
    return plan


def plan_convex_hull(
    info: MediaInfo,
    points: Sequence[RatePoint],
    codecs: Sequence[str] = ("h264",),
    *,
    max_rungs: int | None = None,
    ladder: Sequence[tuple[int, int]] = STANDARD_LADDER,
) -> LadderPlan:
    """Per-title ladder on the convex hull of measured rate-quality points (see :mod:`quality`).

    The bitrate levels are the standard ladder's, but each level gets the resolution with the best measured
    quality at that bitrate instead of a fixed one: easy content moves to more pixels per bit, hard content
    to fewer. ``points`` are measured with one reference codec; other codecs keep its resolution choices
    at their efficiency-scaled bitrates.
    """
    heights = sorted({p.height for p in points if p.height <= info.height})
    if not heights:
        raise ValueError("no rate-quality points at or below the source resolution")
    levels = [kbps for _, kbps in _steps(info, ladder, max_rungs)]
    picks = [(max(heights, key=lambda h: quality_at(points, h, kbps)), kbps) for kbps in levels]
    rungs = []
    for codec in codecs:
        ratio = family(codec).bitrate_ratio
        for height, kbps in picks:
            target = max(50, round(kbps * ratio))
            rungs.append(Rung(codec, _width(info, height), height, target, round(target * PEAK_RATIO)))
    return LadderPlan("convex-hull", rungs, rate_quality=list(points))


def _steps(
    info: MediaInfo, ladder: Sequence[tuple[int, int]], max_rungs: int | None
) -> list[tuple[int, int]]:
    """The ladder's (height, kbps) steps up to the source height (never upscale), top ``max_rungs`` kept."""
    steps = [(h, kbps) for h, kbps in ladder if h <= info.height] or [(info.height, ladder[0][1])]
    return steps if max_rungs is None else steps[-max_rungs:]


def _width(info: MediaInfo, height: int) -> int:
    return max(2, round(height * info.width / info.height / 2) * 2)


def _rungs(
    info: MediaInfo,
    codecs: Sequence[str],
    ladder: Sequence[tuple[int, int]],
    scale: float,
    max_rungs: int | None,
) -> list[Rung]:
    rungs = []
    for codec in codecs:
        ratio = family(codec).bitrate_ratio
        for height, kbps in _steps(info, ladder, max_rungs):
            target = max(50, round(kbps * ratio * scale))
            rungs.append(Rung(codec, _width(info, height), height, target, round(target * PEAK_RATIO)))
    return rungs
