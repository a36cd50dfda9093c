"""VMAF through the imageio-ffmpeg binary: identical pictures score ~100, a degraded copy scores lower."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from app.studio.media.vmaf import VmafError, vmaf, vmaf_ffmpeg, write_y4m

pytestmark = pytest.mark.skipif(vmaf_ffmpeg() is None, reason="no FFmpeg with libvmaf (imageio-ffmpeg)")


def _transcode(master: Path, out: Path, width: int, crf: int) -> Path:
    """A degraded copy: scaled down to ``width`` and coded at ``crf``, kept at the master's frame rate."""
    with av.open(str(master)) as source, av.open(str(out), "w") as target:
        video = source.streams.video[0]
        stream = target.add_stream("libx264", rate=video.average_rate)
        stream.width, stream.height, stream.pix_fmt = width, width * 9 // 16, "yuv420p"
        stream.codec_context.time_base = video.time_base
        stream.codec_context.options = {"preset": "ultrafast", "crf": str(crf)}
        for frame in source.decode(video):
            small = frame.reformat(stream.width, stream.height, "yuv420p")
            small.pts, small.time_base = frame.pts, frame.time_base
            target.mux(stream.encode(small))
        target.mux(stream.encode(None))
    return out


def test_identical_clips_score_about_100_and_a_degraded_copy_lower(master: Path, tmp_path: Path) -> None:
    assert vmaf(master, master, 160, 90) > 97
    degraded = _transcode(master, tmp_path / "degraded.mp4", 96, 40)
    mild = _transcode(master, tmp_path / "mild.mp4", 160, 28)
    score = vmaf(degraded, master, 160, 90)
    assert 0 <= score < 80 and score < vmaf(mild, master, 160, 90) - 10
    # Subsampling scores fewer frames of the same pair: about the same figure, for a fraction of the work.
    assert vmaf(degraded, master, 160, 90, n_subsample=4) == pytest.approx(score, abs=10)


def test_in_memory_pictures_are_scored_through_y4m(master: Path, tmp_path: Path) -> None:
    with av.open(str(master)) as container:
        frames = [f.reformat(format="yuv420p") for f in container.decode(video=0)]
    reference = write_y4m(tmp_path / "reference.y4m", frames, Fraction(24))
    assert reference.read_bytes().startswith(b"YUV4MPEG2 W160 H90 F24:1")
    assert vmaf(reference, master, 160, 90) > 97  # same pictures, whatever the container


def test_a_failing_measurement_says_why(master: Path, tmp_path: Path) -> None:
    with pytest.raises(VmafError, match="libvmaf exited"):
        vmaf(tmp_path / "missing.mp4", master, 160, 90)
