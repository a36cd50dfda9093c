"""Check a finished package the way a player would meet it, before it is published.

Every media segment of every rendition is decoded on its own (init + segment, as a player that just
switched rungs would), its first picture must be a keyframe, segments must follow each other without gaps,
last the target (within one frame or AAC packet; the last may be shorter), and video segments must start
at the same instants in every rendition so players can switch at any boundary.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import av

from app.studio.media import bmff
from app.studio.media.errors import OutputValidationError
from app.studio.media.index import PackageIndex, Rendition, scan_rendition
from app.studio.media.segmenter import INIT_NAME, read_meta, segment_name


@dataclass(frozen=True)
class ValidationReport:
    renditions: int
    segments: int
    frames: int
    duration_s: float


def validate_package(directory: str | os.PathLike[str], segment_seconds: float) -> ValidationReport:
    """Validate every finished rendition under ``directory``; raise :class:`OutputValidationError`."""
    root = Path(directory)
    renditions = [scan_rendition(sub) for sub in sorted(root.iterdir()) if sub.is_dir() and read_meta(sub)]
    if not any(r.meta.kind == "video" for r in renditions):
        raise OutputValidationError(f"{root} has no video rendition")
    index = PackageIndex("", "", segment_seconds, tuple(renditions))
    frames = 0
    for rendition in renditions:
        _check_timeline(rendition, segment_seconds)
        frames += _decode_all(root / rendition.id, rendition)
    _check_alignment(index.video)
    return ValidationReport(
        len(renditions), sum(len(r.segments) for r in renditions), frames, index.duration_s
    )


def _check_timeline(rendition: Rendition, target_s: float) -> None:
    target = target_s * rendition.timescale
    # Video segments close at the first frame at/after a boundary: within one (the longest) frame of the
    # target. Audio closes at AAC packet granularity, and its first segment also carries the priming packet.
    step = max(s.longest_sample for s in rendition.segments)
    if rendition.meta.kind == "audio":
        step *= 2
    segments = rendition.segments
    for before, after in zip(segments, segments[1:], strict=False):
        if before.start + before.duration != after.start:
            raise OutputValidationError(f"{rendition.id}: gap or overlap before segment {after.number}")
        if abs(before.duration - target) > step:
            raise OutputValidationError(
                f"{rendition.id}: segment {before.number} lasts"
                f" {before.duration / rendition.timescale:.3f} s, target {target_s} s"
            )
    if segments[-1].duration > target + step:
        raise OutputValidationError(f"{rendition.id}: last segment is longer than the target")


def _decode_all(directory: Path, rendition: Rendition) -> int:
    init = (directory / INIT_NAME).read_bytes()
    frames = 0
    for segment in rendition.segments:
        media = (directory / segment_name(segment.number)).read_bytes()
        if not bmff.read_fragment(media).starts_with_sync:  # players seek and switch by these flags
            raise OutputValidationError(
                f"{rendition.id}: segment {segment.number} is not flagged as a keyframe"
            )
        data = init + media
        count = 0
        try:
            with av.open(io.BytesIO(data), "r") as container:
                stream = container.streams[0]
                stream.thread_type = "AUTO"
                for frame in container.decode(stream):
                    if count == 0 and isinstance(frame, av.VideoFrame) and not frame.key_frame:
                        raise OutputValidationError(
                            f"{rendition.id}: segment {segment.number} does not start with a keyframe"
                        )
                    count += 1
        except av.FFmpegError as exc:
            raise OutputValidationError(
                f"{rendition.id}: segment {segment.number} fails to decode: {exc}"
            ) from exc
        if count == 0:
            raise OutputValidationError(f"{rendition.id}: segment {segment.number} holds no frames")
        frames += count
    return frames


def _check_alignment(videos: list[Rendition]) -> None:
    reference = videos[0]
    starts = [s.start / reference.timescale for s in reference.segments]
    for other in videos[1:]:
        if [s.start / other.timescale for s in other.segments] != starts:
            raise OutputValidationError(f"{other.id}: segment boundaries differ from {reference.id}")
