"""Ladder planning: which renditions (codec × resolution × bitrate) an encode produces.

A :class:`LadderPlan` is plain data (``to_dict``/``from_dict``) so the workflow can persist it; it carries
the per-shot settings and the rate-quality points that convex-hull planning uses, and :func:`ladder_view`
turns it into what the studio's ladder view shows. Per-shot planning itself lives in :mod:`pershot`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from app.studio.media.codecs import family
from app.studio.media.probe import MediaInfo
from app.studio.media.quality import RatePoint, on_upper_hull, quality_at

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


@dataclass(frozen=True)
class Zone:
    """One shot's share of a rung's bits, which the encoder applies as a rate-control zone.

    ``bitrate_scale`` is the planned rate of the shot relative to the rung's average; ``rate_factor`` is
    what the encoder is told: a multiplier on the bits its own rate control would give the shot (x264 and
    x265 already spend more on complex shots at a constant rate factor, so the zone only corrects that).
    """

    start_s: float
    end_s: float
    bitrate_scale: float
    rate_factor: float


@dataclass(frozen=True)
class Rung:
    """One video rendition to encode; per-shot rungs carry their bit allocation as ``zones``."""

    codec: str
    width: int
    height: int
    bitrate_kbps: int
    max_bitrate_kbps: int
    zones: tuple[Zone, ...] = ()

    @classmethod
    def from_dict(cls, data: dict) -> Rung:
        """Inverse of ``dataclasses.asdict`` (the workflow passes rungs to encode activities as dicts)."""
        zones = tuple(Zone(**z) for z in data.get("zones", ()))
        return cls(**{k: v for k, v in data.items() if k != "zones"}, zones=zones)

    @property
    def id(self) -> str:
        """Directory and Representation id: unique within an encode (a convex-hull ladder may use one
        resolution at two bitrates), stable across resumes."""
        return f"{self.codec}_{self.height}p_{self.bitrate_kbps}k"


@dataclass(frozen=True)
class ShotSetting:
    """A shot and its bits relative to the title average: per-title records the shot's measured complexity,
    per-shot the allocation averaged over the rungs (each rung's own is in its :attr:`Rung.zones`)."""

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
    notes: list[str] = field(default_factory=list)  # what planning could not do as asked, and why

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LadderPlan:
        return cls(
            mode=data["mode"],
            rungs=[Rung.from_dict(r) for r in data["rungs"]],
            audio_kbps=data.get("audio_kbps", AUDIO_KBPS),
            shots=[ShotSetting(**s) for s in data.get("shots", [])],
            rate_quality=[RatePoint(**p) for p in data.get("rate_quality", [])],
            notes=list(data.get("notes", [])),
        )


def ladder_view(plan: LadderPlan) -> dict[str, object]:
    """The plan as the studio's ladder view reads it (``LadderView`` of the content API, camelCase)."""
    points = plan.rate_quality
    return {
        "mode": plan.mode,
        "metric": points[0].metric if points else None,
        "rungs": [
            {
                "id": r.id,
                "codec": r.codec,
                "width": r.width,
                "height": r.height,
                "bitrateKbps": r.bitrate_kbps,
                "maxBitrateKbps": r.max_bitrate_kbps,
            }
            for r in plan.rungs
        ],
        "shots": [
            {"index": s.shot_index, "startS": s.start_s, "endS": s.end_s, "bitrateScale": s.bitrate_scale}
            for s in plan.shots
        ],
        "points": [
            {
                "shot": p.shot,
                "codec": p.codec,
                "height": p.height,
                "bitrateKbps": p.bitrate_kbps,
                "quality": p.quality,
                "metric": p.metric,
                "onHull": hull,
            }
            for p, hull in zip(points, on_upper_hull(points), strict=True)
        ],
    }


def plan_fixed(
    info: MediaInfo,
    codecs: Sequence[str] = ("h264",),
    *,
    max_rungs: int | None = None,
    ladder: Sequence[tuple[int, int]] = STANDARD_LADDER,
) -> LadderPlan:
    """The standard ladder capped at the source height (never upscale), scaled per codec efficiency."""
    return LadderPlan("fixed", _rungs(info, codecs, _steps(info, ladder, max_rungs)))


def plan_per_title(
    info: MediaInfo,
    points: Sequence[RatePoint],
    codecs: Sequence[str] = ("h264",),
    *,
    max_rungs: int | None = None,
    ladder: Sequence[tuple[int, int]] = STANDARD_LADDER,
) -> LadderPlan:
    """Per-title ladder on the convex hull of the title's measured rate-quality points (see :mod:`quality`).

    This is how per-title encoding earns its savings (Netflix's method): trial encodes of the title at
    every candidate resolution and several rate factors, and for each bitrate the resolution that gives the
    best measured quality. The bitrate levels are the standard ladder's, but each level gets the resolution
    with the best measured quality at that bitrate instead of a fixed one: easy content moves to more
    pixels per bit, hard content to fewer. ``points`` are measured with one reference codec; other codecs
    keep its resolution choices at their efficiency-scaled bitrates.
    """
    heights = sorted({p.height for p in points if p.height <= info.height})
    if not heights:
        raise ValueError("no rate-quality points at or below the source resolution")
    levels = [kbps for _, kbps in _steps(info, ladder, max_rungs)]
    picks = [(max(heights, key=lambda h: quality_at(points, h, kbps)), kbps) for kbps in levels]
    return LadderPlan("per-title", _rungs(info, codecs, picks), rate_quality=list(points))


def candidate_heights(info: MediaInfo, ladder: Sequence[tuple[int, int]] = STANDARD_LADDER) -> list[int]:
    """Resolutions worth a trial encode: the ladder's up to the source, and the source's own (a 408p film
    would otherwise never be offered at its full detail, only upscaled from 360p)."""
    return sorted({h for h, _ in ladder if h <= info.height} | {info.height})


def _steps(
    info: MediaInfo, ladder: Sequence[tuple[int, int]], max_rungs: int | None
) -> list[tuple[int, int]]:
    """The ladder's (height, kbps) steps up to the source height (never upscale), top ``max_rungs`` kept."""
    steps = [(h, kbps) for h, kbps in ladder if h <= info.height] or [(info.height, ladder[0][1])]
    return steps if max_rungs is None else steps[-max_rungs:]


def _width(info: MediaInfo, height: int) -> int:
    return max(2, round(height * info.width / info.height / 2) * 2)


def _rungs(info: MediaInfo, codecs: Sequence[str], steps: Sequence[tuple[int, int]]) -> list[Rung]:
    """Each codec's rungs at the (height, H.264 kbps) ``steps``, bitrates scaled by codec efficiency."""
    rungs = []
    for codec in codecs:
        ratio = family(codec).bitrate_ratio
        for height, kbps in steps:
            target = max(50, round(kbps * ratio))
            rungs.append(Rung(codec, _width(info, height), height, target, round(target * PEAK_RATIO)))
    return rungs
