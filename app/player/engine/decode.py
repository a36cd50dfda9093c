"""Decoding the segments we chose with PyAV: init segment + media segment → frames with title times.

Each CMAF segment is self-contained once its init segment is in front of it (``tfdt`` gives absolute
times), so each is decoded on its own.  That lets ABR switch rungs on any boundary and lets a seek
start decoding at any segment.  Video is decoded lazily (the first frame is shown while the rest are
still being decoded, which is what keeps startup fast); audio of a segment is small and decoded whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import av
import av.error

from app.player.engine.buffer import BufferedSegment


class UndecodableSegment(Exception):
    """The bytes are not a decodable fMP4 segment (truncated, corrupt, or the wrong codec)."""


def video_frames(segment: BufferedSegment) -> Iterator[av.VideoFrame]:
    """The segment's video frames in presentation order, ``frame.time`` in title seconds."""
    try:
        with av.open(io.BytesIO(segment.video_init + segment.video), mode="r") as container:
            if not container.streams.video:
                raise UndecodableSegment(f"segment {segment.index} has no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            produced = 0
            for frame in container.decode(stream):
                produced += 1
                yield frame
            if produced == 0:
                raise UndecodableSegment(f"segment {segment.index} decoded to no frames")
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        raise UndecodableSegment(f"segment {segment.index} at rung {segment.rung}: {exc}") from exc


def audio_frames(segment: BufferedSegment) -> list[av.AudioFrame]:
    """Every audio frame carried with ``segment``; an undecodable audio segment is skipped, not fatal.

    Losing 4 s of sound is better than stalling the picture, and the next segment's audio comes from
    a fresh download anyway.
    """
    frames: list[av.AudioFrame] = []
    for init, media in segment.audio:
        try:
            with av.open(io.BytesIO(init + media), mode="r") as container:
                if container.streams.audio:
                    frames.extend(container.decode(container.streams.audio[0]))
        except (av.error.FFmpegError, ValueError, OSError):
            continue
    return frames
