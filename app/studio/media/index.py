"""The data model of a package (renditions, segments, bitrates), read back from the files on disk.

Everything here comes from the boxes and file sizes, not from what the encoder was asked for, so the
manifests and the catalog state the real durations, sizes and codec strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from app.studio.media import bmff
from app.studio.media.codecs import codec_string
from app.studio.media.errors import PackagingError
from app.studio.media.segmenter import INIT_NAME, RenditionMeta, read_meta, segment_name

HLS_MASTER = "master.m3u8"
HLS_MEDIA = "playlist.m3u8"
DASH_MANIFEST = "manifest.mpd"
# Segments shorter than this share of the target (the tail of a title) are left out of the peak bitrate:
# a 40 ms tail holding a whole IDR would otherwise claim a peak no real segment has.
_PEAK_MIN_SHARE = 0.5


@dataclass(frozen=True)
class Segment:
    number: int
    start: int  # track ticks (tfdt)
    duration: int  # track ticks
    bytes: int
    longest_sample: int  # track ticks: how far past a boundary a segment may legitimately end


@dataclass(frozen=True)
class Rendition:
    """One packaged rendition, as the manifests and the catalog see it."""

    meta: RenditionMeta
    codec_string: str
    timescale: int
    segments: tuple[Segment, ...]

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def frame_rate(self) -> Fraction:
        return Fraction(self.meta.frame_rate or "0")

    @property
    def duration_s(self) -> float:
        return sum(s.duration for s in self.segments) / self.timescale

    @property
    def average_bps(self) -> int:
        return round(sum(s.bytes for s in self.segments) * 8 / max(self.duration_s, 1e-9))

    def peak_bps(self, target_s: float) -> int:
        """Highest bitrate of any one segment (HLS BANDWIDTH semantics), ignoring a very short tail.

        Never below the average: a dense short tail can lift the average above every full segment, and
        players (and the HLS spec) expect BANDWIDTH >= AVERAGE-BANDWIDTH.
        """
        rates = [
            s.bytes * 8 * self.timescale / s.duration
            for s in self.segments
            if s.duration >= _PEAK_MIN_SHARE * target_s * self.timescale
        ]
        return max(round(max(rates, default=0)), self.average_bps)

    def segment_seconds(self) -> list[float]:
        return [s.duration / self.timescale for s in self.segments]

    def to_dict(self, target_s: float) -> dict[str, object]:
        """The catalog's record of this rendition (bitrates in bit/s, times in seconds)."""
        meta = self.meta
        return {
            "id": meta.id,
            "kind": meta.kind,
            "codec": meta.codec,
            "encoder": meta.encoder,
            "codecString": self.codec_string,
            "width": meta.width,
            "height": meta.height,
            "frameRate": meta.frame_rate,
            "sampleRate": meta.sample_rate,
            "channels": meta.channels,
            "targetBitrate": meta.bitrate_kbps * 1000,
            "maxBitrate": meta.max_bitrate_kbps * 1000,
            "averageBitrate": self.average_bps,
            "peakBitrate": self.peak_bps(target_s),
            "timescale": self.timescale,
            "durationS": self.duration_s,
            "segmentCount": len(self.segments),
            "segmentDurations": self.segment_seconds(),
            "segmentSizes": [s.bytes for s in self.segments],
            "path": self.id,
        }


@dataclass(frozen=True)
class PackageIndex:
    title_id: str
    encode_id: str
    segment_seconds: float
    renditions: tuple[Rendition, ...]

    @property
    def video(self) -> list[Rendition]:
        return [r for r in self.renditions if r.meta.kind == "video"]

    @property
    def audio(self) -> list[Rendition]:
        return [r for r in self.renditions if r.meta.kind == "audio"]

    @property
    def duration_s(self) -> float:
        return max(r.duration_s for r in self.renditions)

    def to_dict(self) -> dict[str, object]:
        return {
            "version": 1,
            "titleId": self.title_id,
            "encodeId": self.encode_id,
            "segmentSeconds": self.segment_seconds,
            "durationS": self.duration_s,
            "hls": HLS_MASTER,
            "dash": DASH_MANIFEST,
            "renditions": [r.to_dict(self.segment_seconds) for r in self.renditions],
        }


def scan_rendition(directory: Path) -> Rendition:
    """Read one finished rendition back from its files."""
    meta = read_meta(directory)
    if meta is None:
        raise PackagingError(f"rendition {directory.name} is not finished (no rendition.json)")
    try:
        init = (directory / INIT_NAME).read_bytes()
        timescale = bmff.track_timescale(init)
        default_duration = bmff.trex_default_duration(init)
        segments = []
        for number in range(1, meta.segments + 1):
            data = (directory / segment_name(number)).read_bytes()
            info = bmff.read_fragment(data, default_duration)
            segments.append(
                Segment(number, info.base_decode_time, info.duration, len(data), info.longest_sample)
            )
        return Rendition(meta, codec_string(init), timescale, tuple(segments))
    except (OSError, ValueError) as exc:
        raise PackagingError(f"rendition {directory.name} is unreadable: {exc}") from exc
