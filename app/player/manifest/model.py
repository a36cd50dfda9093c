"""What the player needs from a manifest, whichever format it came in (HLS or DASH).

Segment locations stay *relative to the manifest* whenever the manifest gave them that way, so one
parsed presentation serves every CDN edge: the fetcher resolves a reference against the manifest URL
of whichever edge it is using now (each edge's URL carries its own signed path).
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

_T = TypeVar("_T")


class ManifestError(ValueError):
    """A manifest that cannot be played (malformed, hostile, or missing what playback needs)."""


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Inclusive-start, exclusive-end byte span inside a resource (HTTP ``Range: bytes=start-(end-1)``)."""

    start: int
    length: int

    @property
    def header(self) -> str:
        return f"bytes={self.start}-{self.start + self.length - 1}"


@dataclass(frozen=True, slots=True)
class Resource:
    """One fetchable object: a URI (relative to the manifest unless absolute) and an optional byte range."""

    uri: str
    byte_range: ByteRange | None = None

    @property
    def size(self) -> int | None:
        """Byte size when the manifest tells it (byte ranges), else None."""
        return self.byte_range.length if self.byte_range else None


@dataclass(frozen=True, slots=True)
class MediaSegment:
    """One media segment of a rendition: where it is and which span of the timeline it covers."""

    number: int  # 0-based position in the rendition
    start_s: float  # presentation time of its first sample, from the start of the title
    duration_s: float
    resource: Resource
    bitrate_kbps: int | None = None  # EXT-X-BITRATE or a size from a byte range, when known


@dataclass(frozen=True, slots=True)
class Rendition:
    """One encoded version of a track (a video rung or an audio rendition)."""

    id: str
    kind: str  # "video" | "audio"
    bandwidth_bps: int  # peak (HLS BANDWIDTH / DASH @bandwidth)
    codecs: str
    init: Resource | None  # the fMP4 initialisation segment (EXT-X-MAP / SegmentTemplate@initialization)
    segments: tuple[MediaSegment, ...]
    average_bandwidth_bps: int | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    language: str | None = None
    channels: int | None = None

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.segments)

    @property
    def label(self) -> str:
        """Short human name: "720p" for video, the language for audio."""
        if self.kind == "video" and self.height:
            return f"{self.height}p"
        return self.language or self.id


@dataclass(frozen=True, slots=True)
class Presentation:
    """A whole title as the player sees it: video rungs ascending by bandwidth, audio renditions."""

    video: tuple[Rendition, ...]  # ascending bandwidth, each with the same segment count
    audio: tuple[Rendition, ...] = ()
    format: str = "hls"  # "hls" | "dash"
    notes: tuple[str, ...] = field(default=())  # what was skipped while parsing (unsupported codecs, ...)

    @property
    def duration_s(self) -> float:
        return self.video[0].duration_s if self.video else 0.0

    @property
    def segment_count(self) -> int:
        return len(self.video[0].segments) if self.video else 0

    @property
    def bitrates_kbps(self) -> list[int]:
        return [max(1, round(r.bandwidth_bps / 1000)) for r in self.video]

    @property
    def segment_seconds(self) -> float:
        """Nominal segment duration (the longest), what ABR controllers plan with."""
        return max((s.duration_s for s in self.video[0].segments), default=0.0) if self.video else 0.0

    def segment_index_at(self, position_s: float) -> int:
        """Index of the segment holding ``position_s`` (clamped to the title)."""
        for segment in self.video[0].segments:
            if position_s < segment.start_s + segment.duration_s:
                return segment.number
        return max(self.segment_count - 1, 0)

    def sizes_at(self, index: int) -> list[int] | None:
        """Byte size of segment ``index`` at every rung when the manifest tells all of them, else None.

        A byte range gives the exact size; a per-segment bitrate (EXT-X-BITRATE) gives it to within the
        rounding of one kb/s, which is as good for planning.
        """
        sizes = [_segment_bytes(r.segments[index]) for r in self.video if index < len(r.segments)]
        if len(sizes) != len(self.video) or any(s is None for s in sizes):
            return None
        return [int(s) for s in sizes if s is not None]


def _segment_bytes(segment: MediaSegment) -> int | None:
    if segment.resource.size is not None:
        return segment.resource.size
    if segment.bitrate_kbps is not None:
        return round(segment.bitrate_kbps * 125 * segment.duration_s)
    return None


# Parsing support shared by the HLS and DASH readers: limits against hostile manifests, codec families,
# reference joining and the final checks every presentation passes.

MAX_MANIFEST_CHARS = 5 * 1024 * 1024  # a 10-hour title at 2 s segments is well under 2 MB of playlist
MAX_SEGMENT_S = 600.0
MAX_RANGE_BYTES = 2 * 1024**3
MAX_SEGMENTS = 200_000  # per rendition
MAX_TOTAL_SEGMENTS = 1_000_000  # per presentation: a few lines of DASH template must not expand past it
MAX_RENDITIONS = 64
MAX_BANDWIDTH_BPS = 1_000_000_000  # no streaming rung comes near 1 Gb/s; beyond it is an error or an attack

CODEC_PREFERENCES = ("auto", "avc", "hevc", "av1")
_FAMILY_ORDER = ("avc", "hevc", "av1")  # what decodes everywhere first, then the most efficient
_VIDEO_FOURCC = {"avc1": "avc", "avc3": "avc", "hvc1": "hevc", "hev1": "hevc", "av01": "av1"}
_AUDIO_FOURCC = frozenset({"mp4a", "opus", "ac-3", "ec-3", "flac"})


def _fourccs(codecs: str) -> list[str]:
    return [entry.strip().split(".", 1)[0].lower() for entry in codecs.split(",") if entry.strip()]


def video_family(codecs: str) -> str | None:
    """The family ("avc", "hevc" or "av1") of the first decodable video codec in an RFC 6381 list, or None.

    HLS lists the audio (and caption) codecs of a variant beside its video one, so any entry may match.
    """
    return next((_VIDEO_FOURCC[f] for f in _fourccs(codecs) if f in _VIDEO_FOURCC), None)


def audio_supported(codecs: str) -> bool:
    """Whether the list names an audio codec we decode, or names none (undeclared is assumed to be AAC).

    "Any" rather than "all": an HLS variant's CODECS may list captions (``stpp``, ``wvtt``) beside audio.
    """
    fourccs = _fourccs(codecs)
    return not fourccs or any(f in _AUDIO_FOURCC for f in fourccs)


def family_order(prefer: str) -> tuple[str, ...]:
    """Codec families best first: ``prefer`` ("avc", "hevc", "av1") leads, "auto" keeps AVC > HEVC > AV1."""
    if prefer not in CODEC_PREFERENCES:
        raise ValueError(f"unknown codec preference {prefer!r} (expected one of {CODEC_PREFERENCES})")
    return _FAMILY_ORDER if prefer == "auto" else (prefer, *(f for f in _FAMILY_ORDER if f != prefer))


def select_video_family(
    candidates: Sequence[_T],
    codecs_of: Callable[[_T], str],
    name_of: Callable[[_T], str],
    prefer: str,
    notes: list[str],
) -> list[_T]:
    """The candidates of the single best codec family; the engine switches rungs only within one family.

    Run before segments are fetched or expanded, so renditions we will not play cost nothing.
    """
    by_family: dict[str, list[_T]] = {}
    for candidate in candidates:
        codecs = codecs_of(candidate)
        family = video_family(codecs) if codecs else "avc"
        if not codecs:
            notes.append(f"{name_of(candidate)}: no codecs declared, assumed H.264")
        if family is None:
            notes.append(f"skipped {name_of(candidate)}: no decodable video codec in {codecs!r}")
            continue
        by_family.setdefault(family, []).append(candidate)
    chosen = next((family for family in family_order(prefer) if family in by_family), None)
    if chosen is None:
        raise ManifestError("no playable video rendition (no AVC, HEVC or AV1 video)")
    for family, skipped in by_family.items():
        if family != chosen:
            notes.append(f"skipped {len(skipped)} {family} rendition(s): playing {chosen}")
    return by_family[chosen]


def join_reference(base: str, ref: str) -> str:
    """The reference that, resolved against the manifest URL, names what ``ref`` names relative to ``base``.

    ``base`` is itself relative to the manifest (an HLS media playlist's URI, a DASH BaseURL) or absolute.
    ``urljoin`` cannot do this for a relative ``base``: it drops leading ``..`` segments. Absolute and
    host-relative references stay as they are.
    """
    if not base or urlsplit(ref).scheme or ref.startswith("/"):
        return ref
    if urlsplit(base).scheme or base.startswith("/"):
        return urljoin(base, ref)
    base_path, _ = _split_path(base)
    path, tail = _split_path(ref)
    if not path:
        return base_path + tail
    joined = posixpath.normpath(posixpath.join(base_path.rpartition("/")[0], path))
    if path.endswith("/") or path.rpartition("/")[2] in (".", ".."):
        joined += "/"  # still a directory: what is joined to it next goes inside
    return joined + tail


def _split_path(reference: str) -> tuple[str, str]:
    """A relative reference's path and the query/fragment after it."""
    cut = min((i for i in (reference.find("?"), reference.find("#")) if i >= 0), default=len(reference))
    return reference[:cut], reference[cut:]


def check_manifest_size(text: str, what: str) -> None:
    """Refuse oversized documents before any parser sees them: parsing time and memory grow with size."""
    if len(text) > MAX_MANIFEST_CHARS:
        raise ManifestError(f"{what} is too large ({len(text)} characters, limit {MAX_MANIFEST_CHARS})")


def check_duration(seconds: float, where: str) -> float:
    """A segment duration the engine can schedule: finite, positive and at most ``MAX_SEGMENT_S``."""
    if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_SEGMENT_S:
        raise ManifestError(f"{where}: segment duration {seconds} s is out of range (0, {MAX_SEGMENT_S:g}]")
    return seconds


def check_bandwidth(bps: int, where: str) -> int:
    """A declared bandwidth ABR can plan with: positive and below ``MAX_BANDWIDTH_BPS``."""
    if bps <= 0 or bps > MAX_BANDWIDTH_BPS:
        raise ManifestError(f"{where}: bandwidth {bps} b/s is out of range (0, {MAX_BANDWIDTH_BPS}]")
    return bps


def checked_range(start: int, length: int, where: str) -> ByteRange:
    """A non-empty byte range of at most ``MAX_RANGE_BYTES``, starting at a non-negative offset."""
    if start < 0 or length <= 0 or length > MAX_RANGE_BYTES:
        raise ManifestError(f"{where}: byte range {length}@{start} is out of range")
    return ByteRange(start, length)


def range_kbps(byte_range: ByteRange | None, duration_s: float) -> int | None:
    """The exact bitrate of a byte-ranged segment, for ``MediaSegment.bitrate_kbps``."""
    return None if byte_range is None else max(1, round(byte_range.length * 8 / duration_s / 1000))


class SegmentBudget:
    """Counts segments as renditions are built, refusing a rendition or presentation with absurdly many.

    Checked *before* a DASH template or timeline expands, so a tiny hostile MPD cannot run us out of memory.
    """

    def __init__(self, limit: int = MAX_TOTAL_SEGMENTS) -> None:
        self.left = limit

    def take(self, count: int, where: str) -> None:
        if count <= 0:
            raise ManifestError(f"{where}: no segments")
        if count > MAX_SEGMENTS:
            raise ManifestError(f"{where}: {count} segments (limit {MAX_SEGMENTS} per rendition)")
        if count > self.left:
            raise ManifestError(
                f"{where}: too many segments in the presentation (limit {MAX_TOTAL_SEGMENTS})"
            )
        self.left -= count


def finish_presentation(
    video: Sequence[Rendition], audio: Sequence[Rendition], fmt: str, notes: list[str]
) -> Presentation:
    """Sort the rungs, keep only rungs whose segment counts agree, and check what the engine relies on.

    The engine indexes segments by number across rungs, so rungs may differ by at most one segment (a
    tail); the largest group that agrees is kept and the rest dropped with a note.
    """
    if not video:
        raise ManifestError("no playable video rendition")
    ids = [r.id for r in (*video, *audio)]
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        raise ManifestError(f"duplicate rendition ids: {', '.join(duplicates)}")
    kept = _agreeing_rungs(video, notes)
    kept.sort(key=lambda r: (r.bandwidth_bps, r.height or 0))
    return Presentation(video=tuple(kept), audio=tuple(audio), format=fmt, notes=tuple(notes))


def _agreeing_rungs(video: Sequence[Rendition], notes: list[str]) -> list[Rendition]:
    """The largest set of rungs whose segment counts are ``n`` or ``n + 1``; the others get a note."""
    counts = {len(r.segments) for r in video}
    low = max(counts, key=lambda n: (sum(len(r.segments) in (n, n + 1) for r in video), n))
    kept: list[Rendition] = []
    for rung in video:
        if len(rung.segments) in (low, low + 1):
            kept.append(rung)
        else:
            notes.append(
                f"dropped video rendition {rung.id}: {len(rung.segments)} segments, the others have {low}"
                + (f" or {low + 1}" if low + 1 in counts else "")
            )
    return kept
