"""Shot boundaries and per-shot coding complexity of a master.

One decode pass over a small downscaled copy does both jobs:

* **shots** — a hard cut changes the colour histogram of the whole picture at once, while motion mostly
  moves the same tones around, so a histogram distance between neighbouring frames that is both large and
  a spike against the frames just before (a fade changes every frame a little) marks a cut. A cut between
  two shots of similar tones (two faces in the same dim room) moves the histogram less, so a moderate
  histogram distance also counts when the pictures themselves change abruptly: a spike of the mean
  absolute luma difference against the frames just before (fast motion raises that baseline);
* **complexity** — the bits a fast constant-quality (CRF) x264 encode of the small copy spends per pixel.
  That is what an encoder really pays for the content (noise, texture and motion together), which a
  pixel statistic only approximates; ladder planning scales bitrates by it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

ANALYSIS_WIDTH = 192
TRIAL_CRF = 23
_HIST_BINS = 32
_SPIKE = 3.0
_RECENT = 5
# Mean absolute luma change (0..255) between neighbouring frames from which a picture change is abrupt.
_PICTURE_CHANGE = 8.0


@dataclass(frozen=True)
class Shot:
    """A run of frames between two cuts; ``bits_per_pixel`` is its CRF trial-encode cost."""

    index: int
    start_s: float
    end_s: float
    frames: int
    bits_per_pixel: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Analysis:
    shots: tuple[Shot, ...]
    duration_s: float
    bits_per_pixel: float  # duration-weighted over the whole title

    def to_dict(self) -> dict[str, object]:
        return {
            "durationS": self.duration_s,
            "bitsPerPixel": self.bits_per_pixel,
            "shots": [asdict(shot) for shot in self.shots],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Analysis:
        """Inverse of :meth:`to_dict` (analysis and planning are separate workflow steps)."""
        return cls(tuple(Shot(**s) for s in data["shots"]), data["durationS"], data["bitsPerPixel"])


def analyse(
    path: str | os.PathLike[str],
    *,
    cut_threshold: float = 0.5,
    min_shot_s: float = 0.5,
    on_progress: Callable[[float], None] | None = None,
) -> Analysis:
    """Detect shots and measure their complexity; ``on_progress`` gets the seconds analysed so far.

    ``cut_threshold`` is the L1 distance (0..2) between normalised Y and UV histograms of neighbouring
    frames above which a cut may be declared (it must also be ``_SPIKE`` times the recent average);
    ``min_shot_s`` suppresses cuts inside flashes.
    """
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        src = video.codec_context
        height = max(2, round(ANALYSIS_WIDTH * src.height / src.width / 2) * 2)
        encoder = _trial_encoder(ANALYSIS_WIDTH, height, video.time_base, video.average_rate or Fraction(25))
        scaler = VideoReformatter()
        origin: int | None = None
        stamps: list[int] = []  # frame pts relative to the first frame, to look up trial-encode sizes
        times: list[float] = []
        cuts: list[int] = [0]
        previous: np.ndarray | None = None
        previous_luma: np.ndarray | None = None
        recent: deque[float] = deque(maxlen=_RECENT)
        recent_change: deque[float] = deque(maxlen=_RECENT)
        frame_bits: dict[int, int] = {}
        for frame in container.decode(video):
            if frame.pts is None:
                continue
            origin = frame.pts if origin is None else origin
            small = scaler.reformat(
                frame, ANALYSIS_WIDTH, height, "yuv420p", interpolation=Interpolation.AREA, threads=1
            )
            small.pts, small.pict_type = frame.pts - origin, av.video.frame.PictureType.NONE
            planes = small.to_ndarray()
            hist = _histogram(planes, height)
            luma = planes[:height].astype(np.int16)
            t = float((frame.pts - origin) * video.time_base)
            if previous is not None and previous_luma is not None:
                distance = float(np.abs(hist - previous).sum()) / 2
                change = float(np.abs(luma - previous_luma).mean())
                is_cut = distance > _SPIKE * max(_mean(recent), 0.02) and (
                    distance > cut_threshold
                    or (
                        distance > cut_threshold / 2
                        and change > max(_PICTURE_CHANGE, _SPIKE * _mean(recent_change))
                    )
                )
                if is_cut and t - times[cuts[-1]] >= min_shot_s:
                    cuts.append(len(times))
                recent.append(distance)
                recent_change.append(change)
            previous, previous_luma = hist, luma
            times.append(t)
            stamps.append(small.pts)
            for packet in encoder.encode(small):
                frame_bits[packet.pts] = packet.size * 8
            if on_progress and len(times) % 50 == 0:
                on_progress(t)
        for packet in encoder.encode(None):
            frame_bits[packet.pts] = packet.size * 8
    if not times:
        raise ValueError(f"{path}: no decodable video frames")
    step = times[-1] - times[-2] if len(times) > 1 else 1 / 25
    duration = times[-1] + step
    bits = [frame_bits.get(pts, 0) for pts in stamps]
    return _shots(times, bits, cuts, duration, ANALYSIS_WIDTH * height)


def _mean(values: deque[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _histogram(planes: np.ndarray, height: int) -> np.ndarray:
    """Normalised histograms of luma and of both chroma planes (the rows below luma), side by side."""
    luma = np.bincount(planes[:height].ravel() >> 3, minlength=_HIST_BINS) / planes[:height].size
    chroma = np.bincount(planes[height:].ravel() >> 3, minlength=_HIST_BINS) / planes[height:].size
    return np.concatenate([luma, chroma])


def _trial_encoder(width: int, height: int, time_base: Fraction, rate: Fraction) -> av.VideoCodecContext:
    ctx = av.CodecContext.create("libx264", "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, "yuv420p"
    ctx.time_base, ctx.framerate = time_base, rate
    ctx.thread_count = 1  # tiny frames: threads would only add sync overhead
    ctx.options = {"preset": "ultrafast", "crf": str(TRIAL_CRF)}
    ctx.open()
    return ctx


def _shots(times: list[float], bits: list[int], cuts: list[int], duration: float, pixels: int) -> Analysis:
    bounds = [*cuts, len(times)]
    shots = []
    for index, (first, stop) in enumerate(zip(bounds, bounds[1:], strict=False)):
        end = times[stop] if stop < len(times) else duration
        frames = stop - first
        shots.append(Shot(index, times[first], end, frames, sum(bits[first:stop]) / (frames * pixels)))
    weighted = sum(s.bits_per_pixel * s.duration_s for s in shots) / max(duration, 1e-9)
    return Analysis(tuple(shots), duration, weighted)


def merge_short_shots(shots: Sequence[Shot], min_s: float = 1.0) -> list[Shot]:
    """Shots renumbered so none is shorter than ``min_s`` (unless the whole title is): each short shot
    joins its shorter neighbour.

    Per-shot planning needs a trial window per shot and an encoder zone per shot; a few frames (a flash, a
    cut-away) are too short to measure reliably or to steer rate control, and cost more than they save.
    """
    merged = list(shots)
    while len(merged) > 1:
        short = [i for i, s in enumerate(merged) if s.duration_s < min_s - 1e-9]
        if not short:
            break
        i = min(short, key=lambda k: merged[k].duration_s)
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(merged)]
        j = min(neighbours, key=lambda k: merged[k].duration_s)
        first, second = sorted((i, j))
        merged[first : second + 1] = [_joined(merged[first], merged[second])]
    return [replace(s, index=k) for k, s in enumerate(merged)]


def _joined(first: Shot, second: Shot) -> Shot:
    frames = first.frames + second.frames
    bits = (first.bits_per_pixel * first.frames + second.bits_per_pixel * second.frames) / max(frames, 1)
    return Shot(first.index, first.start_s, second.end_s, frames, bits)
