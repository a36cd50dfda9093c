"""Tiny synthetic masters, generated with PyAV so the tests need no media files."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from app.studio.media.audio import encode_audio
from app.studio.media.encode import encode_video
from app.studio.media.ladder import Rung, plan_fixed
from app.studio.media.package import encode_dir, package
from app.studio.media.probe import probe
from app.studio.media.validate import validate_package

SEGMENT_SECONDS = 1.0


def make_master(
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
) -> Path:
    """Write an H.264/AAC MP4: a moving gradient with a sliding bar and a 440 Hz tone.

    ``cuts`` switches to a differently coloured scene at those times (hard cuts for scene detection).
    ``source_gop`` places the source's keyframes off our segment grid, which is what segmenting must ignore.
    ``variable_rate`` alternates frame durations of 1/2 and 3/2 of the nominal one (same average rate).
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
        for i in range(frames):
            scene = sum(i / fps >= c for c in cuts)
            palette = np.array([(40, 90, 200), (230, 200, 30), (20, 160, 60), (200, 40, 120)][scene % 4])
            shade = ((xs + ys + 3 * i) % 64) / 64.0
            img = (shade[..., None] * palette).astype(np.uint8)
            bar = (5 * i) % width
            img[:, bar : bar + 6] = 255 - palette
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


@pytest.fixture(scope="session")
def synth() -> Callable[..., Path]:
    """:func:`make_master`, for tests that need a master with particular properties."""
    return make_master


@pytest.fixture(scope="session")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s 160x90 24 fps with audio; source keyframes every 7 frames (off the 1 s grid)."""
    return make_master(tmp_path_factory.mktemp("media") / "master.mp4")


@pytest.fixture(scope="session")
def cut_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s with hard cuts at 1.0 s, 2.5 s and 3.25 s."""
    return make_master(tmp_path_factory.mktemp("media") / "cuts.mp4", seconds=4.0, cuts=(1.0, 2.5, 3.25))


# Small ladder for 320x180 masters: three H.264 rungs plus one HEVC and one AV1 rung.
TEST_LADDER = ((90, 150), (144, 250), (180, 400))
FAST_PRESETS = {"h264": "ultrafast", "hevc": "ultrafast", "av1": "12"}


@pytest.fixture(scope="session")
def ladder_master(tmp_path_factory: pytest.TempPathFactory, synth: Callable[..., Path]) -> Path:
    # 3.5 s: the last segment is a short one; source keyframes every 7 frames must not leak through.
    return synth(tmp_path_factory.mktemp("ladder") / "master.mp4", seconds=3.5, width=320, height=180)


@pytest.fixture(scope="session")
def rungs(ladder_master: Path) -> list[Rung]:
    info = probe(ladder_master)
    h264 = plan_fixed(info, ["h264"], ladder=TEST_LADDER).rungs
    others = plan_fixed(info, ["hevc", "av1"], ladder=TEST_LADDER[-1:]).rungs
    return h264 + others


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory, ladder_master: Path, rungs: list[Rung]) -> Path:
    out = encode_dir(tmp_path_factory.mktemp("root"), "title-1", "enc-1")
    progress: list[tuple[int, int, float]] = []
    stats = encode_video(
        ladder_master,
        rungs,
        out,
        segment_seconds=SEGMENT_SECONDS,
        gpu="off",
        presets=FAST_PRESETS,
        on_progress=lambda *p: progress.append(p),
    )
    assert stats.segments_written == 4 * len(rungs)
    assert progress[-1][:2] == (4 * len(rungs), 4 * len(rungs))
    assert [p[0] for p in progress] == sorted(p[0] for p in progress)
    encode_audio(ladder_master, out, segment_seconds=SEGMENT_SECONDS)
    validate_package(out, SEGMENT_SECONDS)
    package(out, title_id="title-1", encode_id="enc-1", segment_seconds=SEGMENT_SECONDS)
    return out
