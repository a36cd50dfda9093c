"""Synthesised masters: moving gradients with a sliding bar and a tone, made with PyAV.

The demo catalog's playable titles and the tests both use them, so a first start and a test run
need no media files and download nothing.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

PALETTES = ((40, 90, 200), (230, 200, 30), (20, 160, 60), (200, 40, 120), (120, 60, 200), (230, 120, 40))


def synthesize_master(
    path: Path,
    *,
    seconds: float = 3.0,
    width: int = 160,
    height: int = 90,
    fps: int = 24,
    audio: bool = True,
    cuts: tuple[float, ...] = (),
    video: bool = True,
    source_gop: int = 7,
    variable_rate: bool = False,
    palette_offset: int = 0,
    noise: tuple[float, ...] = (),
) -> Path:
    """Write an H.264/AAC MP4: a moving gradient with a sliding bar and a 440 Hz tone.

    ``cuts`` switches to a differently coloured scene at those times (hard cuts for scene detection).
    ``source_gop`` places the source's keyframes off our segment grid, which is what segmenting must ignore.
    ``variable_rate`` alternates frame durations of 1/2 and 3/2 of the nominal one (same average rate).
    ``palette_offset`` starts from another colour, so demo titles do not all look alike.
    ``noise`` is the grain (standard deviation, 0..255) of each scene in turn: grain is what makes a shot
    hard to encode, so a clip with an easy and a hard shot tests per-shot bit allocation.
    """
    with av.open(str(path), "w") as out:
        vstream = None
        if video:
            vstream = out.add_stream("libx264", rate=fps)
            vstream.width, vstream.height, vstream.pix_fmt = width, height, "yuv420p"
            vstream.gop_size = source_gop
            vstream.codec_context.time_base = Fraction(1, 4 * fps)
            vstream.codec_context.options = {"preset": "ultrafast"}
        astream = out.add_stream("aac", rate=48000) if audio else None
        if astream is not None:
            astream.codec_context.layout = "stereo"
        frames = round(seconds * fps) if video else 0
        ys, xs = np.mgrid[0:height, 0:width]
        grain = np.random.default_rng(7)
        for i in range(frames):
            scene = sum(i / fps >= c for c in cuts)
            palette = np.array(PALETTES[(scene + palette_offset) % len(PALETTES)])
            shade = ((xs + ys + 3 * i) % 64) / 64.0
            img = (shade[..., None] * palette).astype(np.uint8)
            bar = (5 * i) % width
            img[:, bar : bar + 6] = 255 - palette
            sigma = noise[scene] if scene < len(noise) else 0.0
            if sigma:
                img = np.clip(img + grain.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = 4 * i + (2 * (i % 2) - 1 if variable_rate and i else 0)
            for packet in vstream.encode(frame):
                out.mux(packet)
        if vstream is not None:
            out.mux(vstream.encode(None))
        if astream is not None:
            rate = 48000
            for start in range(0, round(seconds * rate), 1024):
                t = (np.arange(start, start + 1024) / rate).astype(np.float32)
                tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
                frame = av.AudioFrame.from_ndarray(np.stack([tone, tone]), format="fltp", layout="stereo")
                frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
                for packet in astream.encode(frame):
                    out.mux(packet)
            out.mux(astream.encode(None))
    return path
