"""Benchmark masters built from the real test clips in ``shared/media`` (cached outside the repository)."""

from __future__ import annotations

import os
import tempfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import Interpolation, VideoReformatter

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
FPS = 24


def cache_dir() -> Path:
    """Where generated masters live: ``$MARQUEE_BENCH_CACHE`` or a folder under the system temp dir."""
    path = Path(os.environ.get("MARQUEE_BENCH_CACHE", Path(tempfile.gettempdir()) / "marquee-bench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fill(frame: av.VideoFrame, scaler: VideoReformatter, width: int, height: int) -> av.VideoFrame:
    """Scale to cover ``width``×``height`` keeping the aspect ratio, then centre-crop (no black bars)."""
    scale = max(width / frame.width, height / frame.height)
    w, h = round(frame.width * scale / 2) * 2, round(frame.height * scale / 2) * 2
    rgb = scaler.reformat(frame, w, h, "rgb24", interpolation=Interpolation.BICUBIC).to_ndarray()
    top, left = (h - height) // 2, (w - width) // 2
    return av.VideoFrame.from_ndarray(
        np.ascontiguousarray(rgb[top : top + height, left : left + width]), "rgb24"
    )


def looped_master(seconds: int, width: int = 1920, height: int = 1080) -> Path:
    """An H.264 + AAC master of ``seconds`` at ``width``×``height`` and 24 fps, looping the clips.

    Clips are re-timed to 24 fps (frames are taken in order), which is fine for speed measurements.
    Encoded near-losslessly (CRF 16) so the ladder encodes see real detail, and cached by its parameters.
    """
    path = cache_dir() / f"master_{width}x{height}_{seconds}s.mp4"
    if path.exists():
        return path
    clips = sorted(MEDIA.glob("*.mp4"))
    if not clips:
        raise FileNotFoundError(f"no clips in {MEDIA}")
    total = seconds * FPS
    tmp = path.with_suffix(".tmp.mp4")
    scaler = VideoReformatter()
    with av.open(str(tmp), "w") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.options = {"preset": "ultrafast", "crf": "16"}
        audio = out.add_stream("aac", rate=48000)
        audio.codec_context.layout = "stereo"
        written = 0
        while written < total:
            for clip in clips:
                with av.open(str(clip)) as source:
                    source.streams.video[0].thread_type = "AUTO"
                    for frame in source.decode(video=0):
                        if written == total:
                            break
                        filled = _fill(frame, scaler, width, height)
                        filled.pts = written
                        out.mux(video.encode(filled))
                        written += 1
        out.mux(video.encode(None))
        samples = np.arange(seconds * 48000) / 48000
        tone = (0.1 * np.sin(2 * np.pi * 440 * samples)).astype(np.float32)
        for start in range(0, len(tone), 1024):
            chunk = tone[start : start + 1024]
            frame = av.AudioFrame.from_ndarray(np.stack([chunk, chunk]), format="fltp", layout="stereo")
            frame.sample_rate, frame.pts, frame.time_base = 48000, start, Fraction(1, 48000)
            out.mux(audio.encode(frame))
        out.mux(audio.encode(None))
    os.replace(tmp, path)
    return path
