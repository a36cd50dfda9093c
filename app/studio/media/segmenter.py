"""Turn encoded packets into CMAF files on disk: ``init.mp4`` plus ``seg_00001.m4s``, ...

Each segment is muxed on its own through FFmpeg's fragmented-MP4 muxer and written atomically (temp name,
then ``os.replace``), so the files that exist *are* the checkpoint: after a crash a rendition resumes at the
first missing segment, and a half-written file is never mistaken for a finished one. A rendition is
complete when its ``rendition.json`` exists.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import av

from app.studio.media import bmff
from app.studio.media.disk_space import DISK_FULL_ERRNOS, write_failed

INIT_NAME = "init.mp4"
META_NAME = "rendition.json"
_MOVFLAGS = "empty_moov+default_base_moof+frag_custom+cmaf"


def template_stream(encoder: str, rate: int | Fraction) -> av.stream.Stream:
    """A new encoder held as a stream of a never-used MP4 container; configure it, then :func:`open_template`.

    The stream form matters: FFmpeg then requests global headers (parameter sets in extradata, which
    become avcC/hvcC/av1C/esds in the init segment and feed the codec strings), and every segment muxer
    can copy the codec parameters with ``add_stream_from_template``.
    """
    return av.open(io.BytesIO(), "w", format="mp4").add_stream(encoder, rate=rate)


def open_template(stream: av.stream.Stream) -> None:
    """Open the encoder and publish its parameters to the stream (only a written header does that)."""
    stream.container.start_encoding()


def segment_name(number: int) -> str:
    """File name of the 1-based segment ``number`` (the DASH ``$Number%05d$`` / HLS URI form)."""
    return f"seg_{number:05d}.m4s"


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temp file, removed again if the write fails (a full disk must not stay full)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in DISK_FULL_ERRNOS:
            raise write_failed(path, len(data)) from exc
        raise
    os.replace(tmp, path)


@dataclass(frozen=True)
class RenditionMeta:
    """Facts the packager needs that are not in the MP4 boxes; written when a rendition is complete."""

    id: str
    kind: str  # "video" | "audio"
    codec: str  # family: h264, hevc, av1, aac
    encoder: str
    bitrate_kbps: int
    max_bitrate_kbps: int
    segments: int
    width: int = 0
    height: int = 0
    frame_rate: str = ""  # "num/den"
    sample_rate: int = 0
    channels: int = 0


def read_meta(directory: Path) -> RenditionMeta | None:
    path = directory / META_NAME
    return RenditionMeta(**json.loads(path.read_text())) if path.exists() else None


def finished_segments(directory: Path) -> int:
    """How many leading segments are already on disk: the resume point of a rendition."""
    if not (directory / INIT_NAME).exists():
        return 0
    count = 0
    while (directory / segment_name(count + 1)).exists():
        count += 1
    return count


class SegmentWriter:
    """Writes one rendition's segments from packets of the encoder behind ``template``.

    ``pts_offset`` (in the packets' time base) is added to every timestamp before it is placed on the
    track timeline; audio uses it to move the AAC priming samples (negative pts) to zero.
    """

    def __init__(
        self, directory: Path, template: av.stream.Stream, codec_tag: str | None, pts_offset: int = 0
    ):
        self.directory = directory
        self._template = template
        self._codec_tag = codec_tag
        self.pts_offset = pts_offset
        self.written = 0
        self._pending: list[av.Packet] = []
        self._current = -1
        directory.mkdir(parents=True, exist_ok=True)

    def add(self, segment: int, packet: av.Packet) -> bool:
        """Collect ``packet`` for ``segment``; True when that closed and wrote the previous segment.

        Packets arrive in decode order and GOPs are closed, so the first packet of segment ``k + 1`` means
        segment ``k`` is complete.
        """
        wrote = False
        if segment != self._current and self._pending:
            self.write(self._current, self._pending)
            self._pending = []
            wrote = True
        self._current = segment
        self._pending.append(packet)
        return wrote

    def flush(self) -> bool:
        """Write the last, still open segment; True if there was one."""
        if not self._pending:
            return False
        self.write(self._current, self._pending)
        self._pending = []
        return True

    def write(self, index: int, packets: list[av.Packet]) -> int:
        """Mux ``packets`` (decode order, first one a sync sample) as segment ``index`` (0-based).

        Returns the segment's size in bytes.
        """
        buffer = io.BytesIO()
        with av.open(buffer, "w", format="mp4", options={"movflags": _MOVFLAGS}) as muxer:
            stream = muxer.add_stream_from_template(self._template)
            if self._codec_tag:
                stream.codec_tag = self._codec_tag
            stream.time_base = self._template.codec_context.time_base
            first_pts = min(p.pts for p in packets) + self.pts_offset
            time_base = packets[0].time_base
            for packet in packets:
                packet.stream = stream
                muxer.mux(packet)
        init, fragments = bmff.split_fragmented(buffer.getvalue())
        if len(fragments) != 1:
            raise RuntimeError(f"muxer produced {len(fragments)} fragments for one segment")
        init_path = self.directory / INIT_NAME
        if not init_path.exists():
            write_atomic(init_path, init)
        ticks = Fraction(first_pts) * time_base * bmff.track_timescale(init)
        data = bmff.styp() + bmff.stamp_fragment(fragments[0], index + 1, round(ticks))
        write_atomic(self.directory / segment_name(index + 1), data)
        self.written += 1
        return len(data)

    def finish(self, meta: RenditionMeta) -> None:
        write_atomic(self.directory / META_NAME, json.dumps(asdict(meta), indent=1).encode())
