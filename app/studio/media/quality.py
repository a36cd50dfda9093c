"""Rate-quality measurement for ladder planning: trial encodes scored by luma PSNR, and BD-rate.

Each trial encodes short windows of the master at one resolution and one CRF, decodes the result, scales it
back to a common evaluation size (as a player scales every rung to the same window) and compares it with the
source. PSNR rather than VMAF because neither the FFmpeg inside PyAV nor Debian's has libvmaf; PSNR ranks
the resolution-versus-bitrate trade-offs a ladder has to make well enough, and the metric name travels with
every point so a VMAF-capable measurement can replace it later.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

from app.studio.media.codecs import family

METRIC = "psnr_y"
_MAX_PSNR = 100.0


@dataclass(frozen=True)
class RatePoint:
    """One measured rate-quality point: for convex-hull planning and the GUI's rate-quality plot."""

    codec: str
    height: int
    bitrate_kbps: float
    quality: float
    metric: str


def measure_rate_quality(
    master: str | os.PathLike[str],
    heights: Sequence[int],
    *,
    codec: str = "h264",
    crfs: Sequence[int] = (18, 24, 30, 36),
    windows: int = 2,
    window_s: float = 2.0,
    eval_height: int = 540,
    preset: str = "veryfast",
) -> list[RatePoint]:
    """One rate-quality point per (height, CRF), measured on ``windows`` evenly spread windows of the master.

    Quality is evaluated at ``min(eval_height, source height)`` to bound the cost at 1080p and above.
    """
    bits: dict[tuple[int, int], int] = {}
    psnr: dict[tuple[int, int], list[float]] = {}
    seconds = 0.0
    with av.open(str(master)) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        src_w, src_h = video.codec_context.width, video.codec_context.height
        duration = (
            float(video.duration * video.time_base) if video.duration else container.duration / av.time_base
        )
        window_s = min(window_s, duration / windows)
        eval_h = min(eval_height, src_h)
        eval_w = _even(eval_h * src_w / src_h)
        rate = Fraction(video.average_rate or 25)
        for i in range(windows):
            start = (i + 0.5) * duration / windows - window_s / 2
            frames = _window(container, video, start, window_s)
            seconds += len(frames) / rate
            reference = [_luma(f, eval_w, eval_h) for f in frames]
            for height in heights:
                width = _even(height * src_w / src_h)
                for crf in crfs:
                    size, distorted = _trial(frames, codec, width, height, crf, preset, video.time_base, rate)
                    bits[height, crf] = bits.get((height, crf), 0) + size * 8
                    scores = psnr.setdefault((height, crf), [])
                    scores += [
                        _psnr(r, _luma(d, eval_w, eval_h)) for r, d in zip(reference, distorted, strict=True)
                    ]
    return [
        RatePoint(
            codec,
            height,
            bits[height, crf] / float(seconds) / 1000,
            float(np.mean(psnr[height, crf])),
            METRIC,
        )
        for height in heights
        for crf in crfs
    ]


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _window(
    container: av.container.InputContainer, video: av.VideoStream, start: float, length: float
) -> list[av.VideoFrame]:
    origin = video.start_time or 0
    container.seek(int(max(0.0, start) / video.time_base) + origin, stream=video, backward=True)
    frames = []
    for frame in container.decode(video):
        t = float((frame.pts - origin) * video.time_base)
        if t >= start + length:
            break
        if t >= start:
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
    return _MAX_PSNR if mse == 0 else min(_MAX_PSNR, 10 * math.log10(255**2 / mse))


def quality_at(points: Sequence[RatePoint], height: int, kbps: float) -> float:
    """Quality of ``height`` at ``kbps``, interpolated linearly in log-rate (extrapolated past the ends)."""
    curve = sorted((math.log(p.bitrate_kbps), p.quality) for p in points if p.height == height)
    if not curve:
        raise ValueError(f"no rate-quality points at {height}p")
    if len(curve) == 1:
        return curve[0][1]
    x = math.log(kbps)
    xs, ys = [c[0] for c in curve], [c[1] for c in curve]
    if xs[0] <= x <= xs[-1]:
        return float(np.interp(x, xs, ys))
    i = 0 if x < xs[0] else len(xs) - 2
    slope = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) if xs[i + 1] != xs[i] else 0.0
    return min(_MAX_PSNR, ys[i] + slope * (x - xs[i]))


def bd_rate(reference: Sequence[tuple[float, float]], test: Sequence[tuple[float, float]]) -> float:
    """Bjøntegaard delta rate (%) of ``test`` vs ``reference``, each a list of (kbps, quality) points.

    Negative means ``test`` needs fewer bits for the same quality. Log-rate is fitted as a polynomial of
    quality (cubic with four or more points) and averaged over the qualities both curves cover.
    """

    def fit(points: Sequence[tuple[float, float]]) -> np.poly1d:
        q = np.array([p[1] for p in points])
        r = np.log10([p[0] for p in points])
        return np.poly1d(np.polyfit(q, r, min(3, len(points) - 1)))

    low = max(min(p[1] for p in reference), min(p[1] for p in test))
    high = min(max(p[1] for p in reference), max(p[1] for p in test))
    if high <= low:
        raise ValueError("the two curves share no quality range")
    ref_int, test_int = fit(reference).integ(), fit(test).integ()
    mean_diff = ((test_int(high) - test_int(low)) - (ref_int(high) - ref_int(low))) / (high - low)
    return float((10**mean_diff - 1) * 100)
