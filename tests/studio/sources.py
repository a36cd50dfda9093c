"""Probe results for imaginary masters, for planning tests that need no media file."""

from __future__ import annotations

from fractions import Fraction

from app.studio.media.probe import MediaInfo


def source_info(width: int, height: int, duration_s: float = 60.0) -> MediaInfo:
    return MediaInfo(
        path="m.mp4",
        container="mov,mp4",
        video_codec="h264",
        width=width,
        height=height,
        frame_rate=Fraction(24),
        variable_frame_rate=False,
        duration_s=duration_s,
        pixel_format="yuv420p",
        audio_codecs=("aac",),
        audio_channels=(2,),
    )
