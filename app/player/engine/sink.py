"""Where decoded frames go: a Qt video surface and audio output in the GUI, nowhere when headless."""

from __future__ import annotations

from typing import Protocol

import av


class FrameSink(Protocol):
    def video(self, frame: av.VideoFrame, time_s: float) -> None:
        """Show ``frame`` now (the presenter calls this when the clock reaches ``time_s``)."""

    def audio(self, frames: list[av.AudioFrame]) -> None:
        """Queue a segment's audio; called as the segment starts, the device plays it out in order."""

    def flush(self) -> None:
        """A seek happened: drop queued audio and any frame not yet shown."""


class NullSink:
    """Headless: every frame is decoded (the presenter does that), counted and dropped."""

    def __init__(self) -> None:
        self.video_frames = 0
        self.audio_frames = 0

    def video(self, frame: av.VideoFrame, time_s: float) -> None:
        self.video_frames += 1

    def audio(self, frames: list[av.AudioFrame]) -> None:
        self.audio_frames += len(frames)

    def flush(self) -> None:
        pass
