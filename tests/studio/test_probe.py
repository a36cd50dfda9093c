"""Probe accepts a good master and rejects each kind of bad one with its own error type and code."""

from __future__ import annotations

import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from app.studio.media import errors
from app.studio.media.probe import ProbeLimits, probe


def test_probe_reports_the_facts_of_a_good_master(master: Path) -> None:
    info = probe(master)
    assert (info.width, info.height) == (160, 90)
    assert info.frame_rate == Fraction(24)
    assert not info.variable_frame_rate
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert info.video_codec == "h264"
    assert info.audio_codecs == ("aac",) and info.audio_channels == (2,)
    assert info.to_dict()["frame_rate"] == "24/1"


def test_variable_frame_rate_is_detected(tmp_path: Path, synth: Callable[..., Path]) -> None:
    info = probe(synth(tmp_path / "vfr.mp4", seconds=2.0, variable_rate=True))
    assert info.variable_frame_rate
    assert float(info.frame_rate) == pytest.approx(24, rel=0.05)


def test_zero_byte_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(errors.EmptyFileError) as caught:
        probe(empty)
    assert caught.value.code == "empty_file"


def test_text_renamed_mp4(tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is a shopping list, not a movie\n" * 50)
    with pytest.raises(errors.NotMediaError):
        probe(fake)


def test_image_renamed_mp4(tmp_path: Path) -> None:
    fake = tmp_path / "poster.mp4"
    Image.fromarray(np.full((90, 160, 3), 128, np.uint8)).save(fake, format="PNG")
    with pytest.raises(errors.NotMediaError, match="still image"):
        probe(fake)


def test_truncated_mp4_without_moov(master: Path, tmp_path: Path) -> None:
    data = master.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])  # PyAV writes moov at the end: it is gone
    with pytest.raises(errors.TruncatedMediaError) as caught:
        probe(cut)
    assert caught.value.code == "truncated"


def test_truncated_mp4_with_index_up_front(master: Path, tmp_path: Path) -> None:
    """moov first (faststart): the headers still promise 3 s, but the media data stops half-way."""
    faststart = tmp_path / "faststart.mp4"
    with (
        av.open(str(master)) as source,
        av.open(str(faststart), "w", options={"movflags": "faststart"}) as out,
    ):
        streams = {s.index: out.add_stream_from_template(s) for s in source.streams}
        for packet in source.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    data = faststart.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(errors.TruncatedMediaError, match="cut short"):
        probe(cut)


def test_audio_only(tmp_path: Path, synth: Callable[..., Path]) -> None:
    path = synth(tmp_path / "audio.mp4", video=False)
    with pytest.raises(errors.NoVideoStreamError, match="audio-only"):
        probe(path)


def test_silent_video_is_rejected_unless_allowed(tmp_path: Path, synth: Callable[..., Path]) -> None:
    path = synth(tmp_path / "silent.mp4", audio=False, seconds=1.0)
    with pytest.raises(errors.NoAudioStreamError) as caught:
        probe(path)
    assert caught.value.code == "no_audio"
    assert not probe(path, allow_silent=True).has_audio


def test_absurd_resolution(master: Path) -> None:
    with pytest.raises(errors.UnsupportedResolutionError, match="160x90"):
        probe(master, limits=ProbeLimits(max_width=128))


def test_absurd_frame_rate(tmp_path: Path, synth: Callable[..., Path]) -> None:
    path = synth(tmp_path / "fast.mp4", fps=300, seconds=1.0, audio=False)
    with pytest.raises(errors.UnsupportedFrameRateError, match="300"):
        probe(path, allow_silent=True)


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(errors.UnreadableFileError):
        probe(tmp_path / "missing.mp4")
    with pytest.raises(errors.UnreadableFileError):
        probe(tmp_path)  # a directory


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file without permissions")
def test_file_without_read_permission(master: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked.mp4"
    locked.write_bytes(master.read_bytes())
    locked.chmod(0)
    with pytest.raises(errors.UnreadableFileError):
        probe(locked)


def test_errors_share_a_base_and_say_their_code() -> None:
    error = errors.EmptyFileError("x.mp4 is empty")
    assert isinstance(error, errors.ProbeError) and isinstance(error, errors.MediaError)
    assert str(error) == "[empty_file] x.mp4 is empty"
