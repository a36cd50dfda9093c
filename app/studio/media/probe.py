"""Probe and validate a master file before any expensive work starts.

Rejecting early with a precise reason (see :mod:`errors`) is cheaper than failing an hour into an encode,
so besides reading headers we decode a frame at the start, the middle and the end: headers of a truncated
or corrupt file often look fine.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import av

from app.studio.media import errors

_IMAGE_FORMATS = ("image2", "_pipe", "gif", "apng", "webp")
# How many leading packets are inspected to tell constant from variable frame rate.
_VFR_SAMPLE = 240


@dataclass(frozen=True)
class ProbeLimits:
    """What the studio accepts; outside these a master is rejected rather than encoded badly."""

    min_side: int = 16
    max_width: int = 8192
    max_height: int = 4320
    min_fps: float = 1.0
    max_fps: float = 240.0
    min_duration_s: float = 0.5


@dataclass(frozen=True)
class MediaInfo:
    """Facts about a master that ladder planning, encoding and the catalog need."""

    path: str
    container: str
    video_codec: str
    width: int
    height: int
    frame_rate: Fraction
    variable_frame_rate: bool
    duration_s: float
    pixel_format: str
    audio_codecs: tuple[str, ...]
    audio_channels: tuple[int, ...]

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_codecs)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (frame rate as "num/den") for workflow payloads and the catalog."""
        data = asdict(self)
        data["frame_rate"] = f"{self.frame_rate.numerator}/{self.frame_rate.denominator}"
        data["audio_codecs"] = list(self.audio_codecs)
        data["audio_channels"] = list(self.audio_channels)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> MediaInfo:
        """Inverse of :meth:`to_dict`, so a probe result can cross a workflow boundary and come back."""
        return cls(
            **{
                **data,
                "frame_rate": Fraction(data["frame_rate"]),
                "audio_codecs": tuple(data["audio_codecs"]),
                "audio_channels": tuple(data["audio_channels"]),
            }
        )


def probe(
    path: str | os.PathLike[str], *, allow_silent: bool = False, limits: ProbeLimits | None = None
) -> MediaInfo:
    """Inspect ``path`` and return its :class:`MediaInfo`, or raise a :class:`errors.ProbeError` subclass."""
    limits = limits or ProbeLimits()
    path = Path(path)
    _check_file(path)
    container = _open(path)
    with container:
        fmt = container.format.name
        if any(marker in fmt for marker in _IMAGE_FORMATS):
            raise errors.NotMediaError(f"{path.name} is a still image ({fmt}), not a video")
        if not container.streams.video:
            kind = "audio-only" if container.streams.audio else "without any video stream"
            raise errors.NoVideoStreamError(f"{path.name} is {kind}")
        audio = container.streams.audio
        if not audio and not allow_silent:
            raise errors.NoAudioStreamError(
                f"{path.name} has no audio track (pass allow_silent=True to accept)"
            )
        video = container.streams.video[0]
        width, height = video.codec_context.width, video.codec_context.height
        _check_resolution(width, height, limits)
        frame_rate, variable = _frame_rate(container, video)
        if not limits.min_fps <= frame_rate <= limits.max_fps:
            raise errors.UnsupportedFrameRateError(
                f"frame rate {float(frame_rate):.3f} fps is outside {limits.min_fps:g}..{limits.max_fps:g}"
            )
        declared = _declared_duration(container, video)
        duration = _check_decodable(container, video, declared, frame_rate)
        if duration < limits.min_duration_s:
            raise errors.TruncatedMediaError(f"only {duration:.2f} s of video could be decoded")
        return MediaInfo(
            path=str(path),
            container=fmt,
            video_codec=video.codec_context.name,
            width=width,
            height=height,
            frame_rate=frame_rate,
            variable_frame_rate=variable,
            duration_s=duration,
            pixel_format=video.codec_context.pix_fmt or "",
            audio_codecs=tuple(a.codec_context.name for a in audio),
            audio_channels=tuple(a.codec_context.channels for a in audio),
        )


def _check_file(path: Path) -> None:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise errors.UnreadableFileError(f"{path} is not a regular file")
        with path.open("rb"):
            pass
    except OSError as exc:
        raise errors.UnreadableFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if size == 0:
        raise errors.EmptyFileError(f"{path.name} is empty (0 bytes)")


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), "r")
    except av.InvalidDataError as exc:
        if _looks_like_mp4_without_moov(path):
            raise errors.TruncatedMediaError(f"{path.name} is truncated: the moov index is missing") from exc
        raise errors.NotMediaError(f"{path.name} is not a recognisable media file") from exc
    except av.FFmpegError as exc:
        raise errors.NotMediaError(f"{path.name} cannot be opened: {exc}") from exc


def _looks_like_mp4_without_moov(path: Path) -> bool:
    """An ISO-BMFF file (starts with ftyp) that FFmpeg refused: the index was cut off or never written."""
    with path.open("rb") as handle:
        head = handle.read(12)
    return head[4:8] == b"ftyp"


def _check_resolution(width: int, height: int, limits: ProbeLimits) -> None:
    if (
        min(width, height) < limits.min_side
        or width > limits.max_width
        or height > limits.max_height
        or width % 2
        or height % 2
    ):
        raise errors.UnsupportedResolutionError(
            f"resolution {width}x{height} is outside"
            f" {limits.min_side}..{limits.max_width}x{limits.max_height}"
            " or not even"
        )


def _frame_rate(container: av.container.InputContainer, video: av.VideoStream) -> tuple[Fraction, bool]:
    """Average frame rate, and whether frame durations vary (from the leading packets' timestamps)."""
    stamps: list[int] = []
    for packet in container.demux(video):
        if packet.pts is not None:
            stamps.append(packet.pts)
        if len(stamps) >= _VFR_SAMPLE:
            break
    container.seek(0)
    stamps.sort()
    steps = {b - a for a, b in zip(stamps, stamps[1:], strict=False)}
    variable = len(steps) > 1 and max(steps) - min(steps) > 1  # one tick of jitter is rounding
    rate = video.average_rate or video.guessed_rate or video.base_rate
    if not rate and steps and video.time_base:
        rate = 1 / (Fraction(sum(steps), len(steps)) * video.time_base)
    if not rate:
        raise errors.UnsupportedFrameRateError("frame rate cannot be determined")
    return Fraction(rate), variable


def _declared_duration(container: av.container.InputContainer, video: av.VideoStream) -> float | None:
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    if container.duration:
        return container.duration / av.time_base
    return None


def _check_decodable(
    container: av.container.InputContainer, video: av.VideoStream, declared: float | None, rate: Fraction
) -> float:
    """Decode a frame near the start, middle and end; return the real duration (last frame's end)."""
    start = _first_frame(container, video, 0.0)
    if start is None:
        raise errors.UndecodableMediaError("no video frame can be decoded at the start")
    if not declared:
        # No duration in the headers: the whole stream has to be read to find the end.
        end = _last_frame_time(container, video, 0.0)
        return end - start + 1 / float(rate)
    if _first_frame(container, video, declared / 2) is None:
        raise errors.UndecodableMediaError(f"no video frame can be decoded around {declared / 2:.1f} s")
    end = _last_frame_time(container, video, max(0.0, declared - 2.0))
    duration = end - start + 1 / float(rate)
    if duration < declared * 0.9 - 1.0:
        raise errors.TruncatedMediaError(
            f"headers declare {declared:.2f} s but frames stop at {duration:.2f} s (file cut short?)"
        )
    # When headers and frames agree, the header value is the exact one (it includes the last frame's length).
    return declared if math.isclose(duration, declared, abs_tol=0.1) else duration


def _seek(container: av.container.InputContainer, video: av.VideoStream, seconds: float) -> None:
    container.seek(int(seconds / video.time_base) + (video.start_time or 0), stream=video, backward=True)


def _frames(container: av.container.InputContainer, video: av.VideoStream) -> Iterator[av.VideoFrame]:
    """Decode ``video`` from the current position; a packet cut off by the end of the file means truncation.

    The demuxer flags such a packet corrupt, which tells a cut-short file (the index promises more data
    than there is) apart from damaged data inside it.
    """
    for packet in container.demux(video):
        if packet.is_corrupt:
            raise errors.TruncatedMediaError(
                f"the file ends inside the video data (packet at byte {packet.pos}); it was cut short"
            )
        yield from packet.decode()


def _first_frame(
    container: av.container.InputContainer, video: av.VideoStream, seconds: float
) -> float | None:
    """Time of the first frame decoded after seeking to ``seconds``; ``None`` if nothing decodes."""
    _seek(container, video, seconds)
    try:
        for frame in _frames(container, video):
            return float(frame.time) if frame.time is not None else seconds
    except av.FFmpegError as exc:
        raise errors.UndecodableMediaError(f"decoding fails around {seconds:.1f} s: {exc}") from exc
    return None


def _last_frame_time(container: av.container.InputContainer, video: av.VideoStream, seconds: float) -> float:
    _seek(container, video, seconds)
    last: float | None = None
    try:
        for frame in _frames(container, video):
            if frame.time is not None:
                last = frame.time if last is None else max(last, frame.time)
    except av.FFmpegError as exc:
        raise errors.UndecodableMediaError(f"decoding fails near the end: {exc}") from exc
    if last is None:
        raise errors.UndecodableMediaError("no video frame can be decoded near the end")
    return float(last)
