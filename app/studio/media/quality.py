"""Rate-quality measurement for ladder planning: trial encodes scored by VMAF, convex hulls, and BD-rate.

A trial encodes one short window of the master (one shot, or a centred part of a long shot) at one
resolution and one CRF, decodes it, and scores it against the source with VMAF (see :mod:`vmaf`), both
scaled to a common evaluation size as a player scales every rung to the same window. Where no FFmpeg with
libvmaf is available, luma PSNR computed here in NumPy is the fallback; the metric name travels with every
point, so curves of different metrics are never mixed up.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TypedDict, Unpack

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

from app.studio.media.analysis import Shot
from app.studio.media.codecs import family
from app.studio.media.vmaf import METRIC as VMAF
from app.studio.media.vmaf import TRIAL_SUBSAMPLE, vmaf, vmaf_ffmpeg, write_y4m

log = logging.getLogger(__name__)
PSNR_Y = "psnr_y"
_MAX_QUALITY = 100.0  # VMAF's ceiling, and where PSNR of identical pictures is capped
DEFAULT_CRFS = (17, 23, 29, 35)


@dataclass(frozen=True)
class RatePoint:
    """One measured rate-quality point: for convex-hull planning and the GUI's rate-quality plot."""

    codec: str
    height: int
    bitrate_kbps: float
    quality: float
    metric: str
    shot: int | None = None  # the shot measured; None for the whole title (duration-weighted over shots)
    crf: int | None = None


@dataclass(frozen=True)
class Window:
    """A stretch of the master that trials encode; ``key`` names what it stands for (a shot index)."""

    start_s: float
    length_s: float
    key: int


def default_metric() -> str:
    """VMAF when an FFmpeg with libvmaf is there, else luma PSNR (logged: the curves are coarser)."""
    if vmaf_ffmpeg() is not None:
        return VMAF
    log.warning("no FFmpeg with libvmaf found (imageio-ffmpeg missing?): trial encodes are scored by PSNR-Y")
    return PSNR_Y


class TrialOptions(TypedDict, total=False):
    """How trial encodes are made and scored (the keyword arguments of :func:`measure_windows`)."""

    codec: str
    crfs: Sequence[int]
    eval_height: int
    preset: str
    metric: str | None
    on_progress: Callable[[float], None] | None


def measure_rate_quality(
    master: str | os.PathLike[str],
    heights: Sequence[int],
    *,
    windows: int = 2,
    window_s: float = 2.0,
    **options: Unpack[TrialOptions],
) -> list[RatePoint]:
    """Title-level points, one per (height, CRF), from ``windows`` evenly spread windows of equal weight
    (the per-title ladder's measurements)."""
    duration = _duration_of(master)
    length = min(window_s, duration / windows)
    spans = [Window((i + 0.5) * duration / windows - length / 2, length, i) for i in range(windows)]
    points = measure_windows(master, spans, heights, **options)
    return combine(points, {w.key: 1.0 for w in spans})


def measure_shots(
    master: str | os.PathLike[str],
    shots: Sequence[Shot],
    heights: Sequence[int],
    *,
    max_window_s: float = 1.5,
    **options: Unpack[TrialOptions],
) -> list[RatePoint]:
    """Per-shot points (each shot, or a centred ``max_window_s`` of a longer one) plus their
    duration-weighted combination as the title-level points (``shot=None``)."""
    spans = []
    for shot in shots:
        length = min(shot.duration_s, max_window_s)
        spans.append(Window(shot.start_s + (shot.duration_s - length) / 2, length, shot.index))
    points = measure_windows(master, spans, heights, **options)
    return points + combine(points, {s.index: s.duration_s for s in shots})


def measure_windows(
    master: str | os.PathLike[str],
    windows: Sequence[Window],
    heights: Sequence[int],
    *,
    codec: str = "h264",
    crfs: Sequence[int] = DEFAULT_CRFS,
    eval_height: int = 720,
    preset: str = "veryfast",
    metric: str | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> list[RatePoint]:
    """One point per (window, height, CRF), tagged with the window's key as its ``shot``.

    Quality is evaluated at ``min(eval_height, source height)`` to bound the cost at 1080p and above.
    ``on_progress`` gets the share of trials done (0..1) after each one: a long title's trials take
    minutes, and a workflow step must keep heartbeating meanwhile.
    """
    metric = metric or default_metric()
    trials = len(windows) * len(heights) * len(crfs)
    points = []
    with av.open(str(master)) as container, tempfile.TemporaryDirectory(prefix="marquee-trial-") as tmp:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        src_w, src_h = video.codec_context.width, video.codec_context.height
        eval_h = min(eval_height, src_h)
        eval_size = (_even(eval_h * src_w / src_h), eval_h)
        rate = Fraction(video.average_rate or 25)
        for window in windows:
            frames = _window(container, video, window.start_s, window.length_s)
            if not frames:
                continue
            scorer = _Scorer(metric, frames, eval_size, rate, Path(tmp))
            seconds = len(frames) / rate
            for height in heights:
                width = _even(height * src_w / src_h)
                for crf in crfs:
                    size, distorted = _trial(frames, codec, width, height, crf, preset, video.time_base, rate)
                    quality = scorer.score(distorted)
                    kbps = size * 8 / float(seconds) / 1000
                    points.append(RatePoint(codec, height, kbps, quality, metric, window.key, crf))
                    if on_progress:
                        on_progress(len(points) / trials)
    return points


def combine(points: Sequence[RatePoint], weights: Mapping[int, float]) -> list[RatePoint]:
    """Weighted means of rate and quality over shots at each (codec, height, CRF): the title's curves as
    if each shot were encoded at that CRF, with ``weights`` the shots' durations."""
    groups: dict[tuple[str, int, int | None, str], list[RatePoint]] = defaultdict(list)
    for point in points:
        if point.shot is not None and point.shot in weights:
            groups[point.codec, point.height, point.crf, point.metric].append(point)
    combined = []
    for (codec, height, crf, metric), members in groups.items():
        total = sum(weights[p.shot] for p in members)
        kbps = sum(weights[p.shot] * p.bitrate_kbps for p in members) / total
        quality = sum(weights[p.shot] * p.quality for p in members) / total
        combined.append(RatePoint(codec, height, kbps, quality, metric, None, crf))
    return sorted(combined, key=lambda p: (p.codec, p.height, p.bitrate_kbps))


def on_upper_hull(points: Sequence[RatePoint]) -> list[bool]:
    """Which points lie on the upper convex hull of quality vs log-rate of their shot and codec.

    Only hull points are worth encoding: any other (resolution, CRF) is beaten by a mix of two hull points.
    """
    flags = [False] * len(points)
    groups: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for i, point in enumerate(points):
        groups[point.shot, point.codec].append(i)
    for members in groups.values():
        ordered = sorted(members, key=lambda i: (points[i].bitrate_kbps, -points[i].quality))
        hull: list[int] = []
        for i in ordered:
            if hull and points[i].quality <= points[hull[-1]].quality:
                continue  # costs more for no better quality
            while len(hull) >= 2 and _cross(points[hull[-2]], points[hull[-1]], points[i]) >= 0:
                hull.pop()
            hull.append(i)
        for i in hull:
            flags[i] = True
    return flags


def _cross(a: RatePoint, b: RatePoint, c: RatePoint) -> float:
    """Positive when ``b`` lies below the chord from ``a`` to ``c`` (so ``b`` is not on the upper hull)."""
    ax, bx, cx = (math.log(p.bitrate_kbps) for p in (a, b, c))
    return (bx - ax) * (c.quality - a.quality) - (b.quality - a.quality) * (cx - ax)


class _Scorer:
    """Scores trial encodes of one window against its reference pictures, with VMAF or luma PSNR."""

    def __init__(
        self,
        metric: str,
        reference: list[av.VideoFrame],
        eval_size: tuple[int, int],
        rate: Fraction,
        tmp: Path,
    ) -> None:
        self.metric, self.eval_size, self.rate, self.tmp = metric, eval_size, rate, tmp
        if metric == VMAF:  # FFmpeg scales both sides itself: the reference is written once, as it is
            self._reference_path = write_y4m(tmp / "reference.y4m", _yuv(reference), rate)
        elif metric == PSNR_Y:
            self._reference_luma = [_luma(f, *eval_size) for f in reference]
        else:
            raise ValueError(f"unknown quality metric {metric!r}")

    def score(self, distorted: list[av.VideoFrame]) -> float:
        if self.metric == VMAF:
            path = write_y4m(self.tmp / "distorted.y4m", _yuv(distorted), self.rate)
            return vmaf(path, self._reference_path, *self.eval_size, n_subsample=TRIAL_SUBSAMPLE)
        luma = [_luma(d, *self.eval_size) for d in distorted]
        return float(np.mean([_psnr(r, d) for r, d in zip(self._reference_luma, luma, strict=True)]))


def _yuv(frames: list[av.VideoFrame]) -> list[av.VideoFrame]:
    return [f if f.format.name == "yuv420p" else f.reformat(format="yuv420p") for f in frames]


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _duration_of(master: str | os.PathLike[str]) -> float:
    with av.open(str(master)) as container:
        video = container.streams.video[0]
        if video.duration:
            return float(video.duration * video.time_base)
        return (container.duration or 0) / av.time_base


def _window(
    container: av.container.InputContainer, video: av.VideoStream, start: float, length: float
) -> list[av.VideoFrame]:
    origin = video.start_time or 0
    container.seek(int(max(0.0, start) / video.time_base) + origin, stream=video, backward=True)
    frames = []
    for frame in container.decode(video):
        t = float((frame.pts - origin) * video.time_base)
        if t >= start + length - 1e-6:
            break
        if t >= start - 1e-6:
            frames.append(frame)
    return frames


def _trial(
    frames: list[av.VideoFrame],
    codec: str,
    width: int,
    height: int,
    crf: int,
    preset: str,
    time_base: Fraction,
    rate: Fraction,
) -> tuple[int, list[av.VideoFrame]]:
    """Encode ``frames`` at one size and CRF; return the bytes spent and the decoded pictures."""
    encoder = av.CodecContext.create(family(codec).software, "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuv420p"
    encoder.time_base, encoder.framerate = time_base, rate
    encoder.thread_type = "AUTO"
    encoder.options = {"preset": preset, "crf": str(crf)}
    decoder = av.CodecContext.create(codec if codec != "av1" else "libdav1d", "r")
    scaler = VideoReformatter()
    size = 0
    decoded: list[av.VideoFrame] = []
    for i, frame in enumerate([*frames, None]):
        if frame is not None:
            frame = scaler.reformat(frame, width, height, "yuv420p", interpolation=Interpolation.BICUBIC)
            frame.pts, frame.pict_type = i, av.video.frame.PictureType.NONE
        for packet in encoder.encode(frame):
            size += packet.size
            decoded += decoder.decode(packet)
    decoded += decoder.decode(None)
    return size, decoded


def _luma(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    gray = frame.reformat(width, height, "gray", interpolation=Interpolation.BICUBIC)
    return gray.to_ndarray().astype(np.float32)


def _psnr(reference: np.ndarray, distorted: np.ndarray) -> float:
    mse = float(np.mean((reference - distorted) ** 2))
    return _MAX_QUALITY if mse == 0 else min(_MAX_QUALITY, 10 * math.log10(255**2 / mse))


def interpolate(xs: Sequence[float], ys: Sequence[float], x: float) -> float:
    """Piecewise-linear ``y(x)`` through points sorted by ``x``, extended past the ends by the end slopes."""
    if len(xs) == 1:
        return ys[0]
    if xs[0] <= x <= xs[-1]:
        return float(np.interp(x, xs, ys))
    i = 0 if x < xs[0] else len(xs) - 2
    slope = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) if xs[i + 1] != xs[i] else 0.0
    return ys[i] + slope * (x - xs[i])


def curve_at(curve: Sequence[tuple[float, float]], kbps: float) -> float:
    """Quality of a (kbps, quality) curve at ``kbps``, linear in log-rate.

    Below the lowest measured rate the first segment's slope goes on (quality keeps falling); above the
    highest the quality stays at the best one measured: a steep low-resolution curve extended far up
    would otherwise promise quality that no measurement showed and win the convex hull.
    """
    ordered = sorted((math.log(r), q) for r, q in curve)
    if not ordered:
        raise ValueError("empty rate-quality curve")
    xs, ys = [c[0] for c in ordered], [c[1] for c in ordered]
    x = min(math.log(kbps), xs[-1])
    return min(_MAX_QUALITY, interpolate(xs, ys, x))


def quality_at(points: Sequence[RatePoint], height: int, kbps: float, shot: int | None = None) -> float:
    """Quality of ``height`` (of ``shot``, or the title) at ``kbps`` on its measured curve (see
    :func:`curve_at`)."""
    curve = [(p.bitrate_kbps, p.quality) for p in points if p.height == height and p.shot == shot]
    if not curve:
        raise ValueError(f"no rate-quality points at {height}p")
    return curve_at(curve, kbps)


def bd_rate(
    reference: Sequence[tuple[float, float]],
    test: Sequence[tuple[float, float]],
    within: tuple[float, float] | None = None,
) -> float:
    """Bjøntegaard delta rate (%) of ``test`` vs ``reference``, each a list of (kbps, quality) points.

    Negative means ``test`` needs fewer bits for the same quality. Log-rate is fitted as a polynomial of
    quality (cubic with four or more points) and averaged over the qualities both curves cover, narrowed
    to ``within`` when given (so several tests against one reference share one quality range).
    """

    def fit(points: Sequence[tuple[float, float]]) -> np.poly1d:
        q = np.array([p[1] for p in points])
        r = np.log10([p[0] for p in points])
        return np.poly1d(np.polyfit(q, r, min(3, len(points) - 1)))

    low = max(min(p[1] for p in reference), min(p[1] for p in test))
    high = min(max(p[1] for p in reference), max(p[1] for p in test))
    if within is not None:
        low, high = max(low, within[0]), min(high, within[1])
    if high <= low:
        raise ValueError("the two curves share no quality range")
    ref_int, test_int = fit(reference).integ(), fit(test).integ()
    mean_diff = ((test_int(high) - test_int(low)) - (ref_int(high) - ref_int(low))) / (high - low)
    return float((10**mean_diff - 1) * 100)
