"""HLS (RFC 8216) master and media playlists into a :class:`Presentation`.

Media playlists are separate documents, so the caller passes a ``fetch(url) -> text`` function and this
module never does I/O itself: the engine fetches through its own edge failover, tests pass a dict.

Every :class:`Resource` URI is expressed relative to the *master* playlist (``"h264_180p/seg_1.m4s"``,
not ``"seg_1.m4s"`` relative to the media playlist), so the engine can resolve it against whichever edge's
master URL it is using with a single ``urljoin``. Absolute URIs stay absolute.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import m3u8

from app.player.manifest.model import (
    MAX_BANDWIDTH_BPS,
    MAX_RENDITIONS,
    MAX_SEGMENTS,
    ByteRange,
    ManifestError,
    MediaSegment,
    Presentation,
    Rendition,
    Resource,
    SegmentBudget,
    audio_supported,
    check_bandwidth,
    check_duration,
    check_manifest_size,
    checked_range,
    family_order,
    finish_presentation,
    join_reference,
    range_kbps,
    select_video_family,
    video_family,
)

Fetch = Callable[[str], str]
_RESOLUTION = re.compile(r"([0-9]{1,5})x([0-9]{1,5})")
_BYTERANGE = re.compile(r"([0-9]{1,12})(?:@([0-9]{1,15}))?")
_CHANNELS = re.compile(r"([0-9]{1,2})(?:/.*)?")  # "6" or "16/JOC"
_MAX_FRAME_RATE = 1000.0


@dataclass(frozen=True, slots=True)
class HlsVariant:
    """One EXT-X-STREAM-INF: a video rung whose media playlist the caller fetches from ``url``."""

    uri: str  # as written in the master: relative to it, or absolute
    url: str  # absolute, for fetching
    bandwidth_bps: int
    average_bandwidth_bps: int | None
    codecs: str
    width: int | None
    height: int | None
    frame_rate: float | None
    audio_group: str | None
    stable_id: str | None


@dataclass(frozen=True, slots=True)
class HlsAudio:
    """One EXT-X-MEDIA TYPE=AUDIO with its own media playlist (renditions muxed into the video have none)."""

    uri: str
    url: str
    group_id: str
    name: str
    language: str | None
    channels: int | None
    stable_id: str | None


@dataclass(frozen=True, slots=True)
class HlsMaster:
    """What a master playlist offers, before any media playlist is fetched."""

    variants: tuple[HlsVariant, ...]
    audio: tuple[HlsAudio, ...]


@dataclass(frozen=True, slots=True)
class HlsMediaPlaylist:
    """One media playlist's init section and segments, URIs already relative to the master."""

    init: Resource | None
    segments: tuple[MediaSegment, ...]


def parse_hls_master(text: str, url: str) -> HlsMaster:
    """The variants and audio renditions of a master playlist at absolute ``url``, validated."""
    data = _parse(text, "master playlist")
    if not data["is_variant"]:
        raise ManifestError("master playlist: no EXT-X-STREAM-INF (this is a media playlist)")
    return _master(data, url)


def parse_hls_media(text: str, uri: str = "") -> HlsMediaPlaylist:
    """A media playlist whose reference relative to the master is ``uri`` ("" when it is the master URL)."""
    data = _parse(text, _name(uri))
    if data["is_variant"]:
        raise ManifestError(f"{_name(uri)}: expected a media playlist, got a master playlist")
    return _media(data, uri, SegmentBudget())


def build_hls_presentation(
    master_text: str, master_url: str, fetch: Fetch, prefer: str = "auto"
) -> Presentation:
    """The whole title: parse the master, fetch the media playlists of the chosen codec family, check them.

    A media playlist given as ``master_text`` plays as a single rung. ``fetch`` errors propagate untouched
    (the caller decides about retries); every problem with the documents is a :class:`ManifestError`.
    """
    family_order(prefer)  # also checked for a lone media playlist, where there is no choice to make
    data = _parse(master_text, "master playlist")
    notes: list[str] = []
    budget = SegmentBudget()
    if not data["is_variant"]:
        return finish_presentation([_single_rung(data, master_url, budget, notes)], [], "hls", notes)
    master = _master(data, master_url)
    variants = select_video_family(master.variants, lambda v: v.codecs, lambda v: v.uri, prefer, notes)
    variants = _distinct(variants, notes)
    video = [_video_rendition(v, _fetch_media(fetch, v.url, v.uri, budget)) for v in variants]
    audio = [
        _audio_rendition(a, codecs, _fetch_media(fetch, a.url, a.uri, budget))
        for a, codecs in _audio_for(master.audio, variants, notes)
    ]
    return finish_presentation(video, audio, "hls", notes)


def _parse(text: str, what: str) -> dict[str, Any]:
    """m3u8's parse, with anything it raises on a malformed document turned into a ManifestError."""
    check_manifest_size(text, what)
    if not text.lstrip("\ufeff \t\r\n").startswith("#EXTM3U"):
        raise ManifestError(f"{what}: not an HLS playlist (no #EXTM3U header)")
    if text.count("#EXTINF") > MAX_SEGMENTS:  # cheap to count, slow to parse
        raise ManifestError(f"{what}: more than {MAX_SEGMENTS} segments")
    try:
        return m3u8.parse(text)
    except Exception as exc:  # m3u8 raises ValueError, OverflowError, KeyError... on hostile input
        raise ManifestError(f"{what}: unreadable playlist ({exc})") from exc


def _name(uri: str) -> str:
    return f"media playlist {uri}" if uri else "media playlist"


def _master(data: dict[str, Any], url: str) -> HlsMaster:
    audio = tuple(
        _audio_entry(media, url)
        for media in data["media"]
        if str(media.get("type", "")).upper() == "AUDIO" and media.get("uri")
    )
    variants = tuple(_variant(entry, url) for entry in data["playlists"])
    if len(variants) + len(audio) > MAX_RENDITIONS:
        raise ManifestError(
            f"master playlist: {len(variants) + len(audio)} renditions (limit {MAX_RENDITIONS})"
        )
    return HlsMaster(variants=variants, audio=audio)


def _variant(entry: dict[str, Any], master_url: str) -> HlsVariant:
    uri, info = str(entry["uri"]), entry["stream_info"]
    where = f"variant {uri}"
    if "bandwidth" not in info:
        raise ManifestError(f"{where}: EXT-X-STREAM-INF without BANDWIDTH")
    average = info.get("average_bandwidth")
    width, height = _resolution(info.get("resolution"), where)
    return HlsVariant(
        uri=uri,
        url=urljoin(master_url, uri),
        bandwidth_bps=check_bandwidth(info["bandwidth"], where),
        average_bandwidth_bps=None if average is None else check_bandwidth(average, where),
        codecs=str(info.get("codecs") or ""),
        width=width,
        height=height,
        frame_rate=_frame_rate(info.get("frame_rate"), where),
        audio_group=info.get("audio"),
        stable_id=info.get("stable_variant_id"),
    )


def _resolution(value: str | None, where: str) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    match = _RESOLUTION.fullmatch(value.strip('"'))
    if not match or 0 in (int(match[1]), int(match[2])):
        raise ManifestError(f"{where}: bad RESOLUTION {value!r}")
    return int(match[1]), int(match[2])


def _frame_rate(value: float | None, where: str) -> float | None:
    if value is not None and not (math.isfinite(value) and 0 < value <= _MAX_FRAME_RATE):
        raise ManifestError(f"{where}: bad FRAME-RATE {value}")
    return value


def _audio_entry(media: dict[str, Any], master_url: str) -> HlsAudio:
    uri = str(media["uri"])
    channels = _CHANNELS.fullmatch(str(media.get("channels") or ""))
    return HlsAudio(
        uri=uri,
        url=urljoin(master_url, uri),
        group_id=str(media.get("group_id") or ""),
        name=str(media.get("name") or ""),
        language=media.get("language"),
        channels=int(channels[1]) if channels and int(channels[1]) > 0 else None,
        stable_id=media.get("stable_rendition_id"),
    )


def _distinct(variants: list[HlsVariant], notes: list[str]) -> list[HlsVariant]:
    """One rung per media playlist: variants differing only in their audio group share their video."""
    seen: dict[str, HlsVariant] = {}
    for variant in variants:
        if variant.url in seen:
            notes.append(f"variant {variant.uri} repeats a media playlist; kept its first EXT-X-STREAM-INF")
        else:
            seen[variant.url] = variant
    return list(seen.values())


def _audio_for(
    audio: tuple[HlsAudio, ...], variants: list[HlsVariant], notes: list[str]
) -> list[tuple[HlsAudio, str]]:
    """The audio renditions (with their codecs) of the groups the kept variants use, one per playlist.

    EXT-X-MEDIA names no codec: the group's codecs are the non-video entries of its variants' CODECS.
    """
    codecs_by_group: dict[str, str] = {}
    for variant in variants:
        if variant.audio_group:
            others = [c.strip() for c in variant.codecs.split(",") if c.strip() and video_family(c) is None]
            codecs_by_group.setdefault(variant.audio_group, ",".join(others))
    chosen: dict[str, tuple[HlsAudio, str]] = {}
    for rendition in audio:
        codecs = codecs_by_group.get(rendition.group_id)
        if codecs is None or rendition.url in chosen:
            continue
        if audio_supported(codecs):
            chosen[rendition.url] = (rendition, codecs)
        else:
            notes.append(f"skipped audio {rendition.uri}: unsupported codecs {codecs!r}")
    return list(chosen.values())


def _fetch_media(fetch: Fetch, url: str, uri: str, budget: SegmentBudget) -> HlsMediaPlaylist:
    data = _parse(fetch(url), _name(uri))
    if data["is_variant"]:
        raise ManifestError(f"{_name(uri)}: expected a media playlist, got a master playlist")
    return _media(data, uri, budget)


def _video_rendition(variant: HlsVariant, media: HlsMediaPlaylist) -> Rendition:
    return Rendition(
        id=variant.stable_id or variant.uri,
        kind="video",
        bandwidth_bps=variant.bandwidth_bps,
        codecs=variant.codecs,
        init=media.init,
        segments=media.segments,
        average_bandwidth_bps=variant.average_bandwidth_bps,
        width=variant.width,
        height=variant.height,
        frame_rate=variant.frame_rate,
    )


def _audio_rendition(audio: HlsAudio, codecs: str, media: HlsMediaPlaylist) -> Rendition:
    """EXT-X-MEDIA declares no bandwidth, so the segments' own bitrates (when stated) give the peak."""
    return Rendition(
        id=audio.stable_id or audio.uri,
        kind="audio",
        bandwidth_bps=_peak_bps(media.segments),
        codecs=codecs,
        init=media.init,
        segments=media.segments,
        language=audio.language,
        channels=audio.channels,
    )


def _single_rung(data: dict[str, Any], url: str, budget: SegmentBudget, notes: list[str]) -> Rendition:
    """A media playlist played on its own: one rung, its bandwidth the peak segment bitrate if stated."""
    media = _media(data, "", budget)
    bandwidth = _peak_bps(media.segments)
    if not bandwidth:
        notes.append("media playlist without a master: bandwidth unknown")
    name = urlsplit(url).path.rpartition("/")[2] or "media"
    return Rendition(
        id=name, kind="video", bandwidth_bps=bandwidth, codecs="", init=media.init, segments=media.segments
    )


def _peak_bps(segments: tuple[MediaSegment, ...]) -> int:
    """Peak of the bitrates the playlist states (EXT-X-BITRATE or byte ranges); 0 when it states none."""
    return 1000 * max((s.bitrate_kbps or 0 for s in segments), default=0)


def _media(data: dict[str, Any], uri: str, budget: SegmentBudget) -> HlsMediaPlaylist:
    where = _name(uri)
    raw = data["segments"]
    if not raw:
        raise ManifestError(f"{where}: no segments")
    if not (data["is_endlist"] or str(data.get("playlist_type") or "").upper() == "VOD"):
        raise ManifestError(f"{where}: live playlists are not supported (no EXT-X-ENDLIST)")
    budget.take(len(raw), where)
    init = _init(raw, uri, where)
    ends: dict[str, int] = {}  # where the last byte range of each URI ended, for implicit offsets
    segments: list[MediaSegment] = []
    start_s, bitrate = 0.0, None
    for number, entry in enumerate(raw):
        at = f"{where} segment {number}"
        _check_clear(entry, at)
        duration = check_duration(_duration(entry, at), at)
        if entry.get("bitrate") is not None:  # EXT-X-BITRATE holds until the next one
            bitrate = _bitrate(entry["bitrate"], at)
        byte_range = _byte_range(entry, ends, at) if entry.get("byterange") is not None else None
        resource = Resource(join_reference(uri, _uri(entry, at)), byte_range)
        kbps = range_kbps(byte_range, duration) or bitrate  # an exact size beats the stated bitrate
        segments.append(MediaSegment(number, start_s, duration, resource, kbps))
        start_s += duration
    return HlsMediaPlaylist(init=init, segments=tuple(segments))


def _duration(entry: dict[str, Any], where: str) -> float:
    if entry.get("duration") is None:
        raise ManifestError(f"{where}: no EXTINF")
    return float(entry["duration"])


def _uri(entry: dict[str, Any], where: str) -> str:
    uri = str(entry.get("uri") or "").strip()
    if not uri:
        raise ManifestError(f"{where}: empty URI")
    return uri


def _check_clear(entry: dict[str, Any], where: str) -> None:
    """Encrypted segments need keys and decryption the engine does not have."""
    key = entry.get("key")
    if key and str(key.get("method", "NONE")).upper() != "NONE":
        raise ManifestError(f"{where}: encrypted segments are not supported (METHOD={key.get('method')})")


def _bitrate(kbps: int, where: str) -> int:
    if kbps <= 0 or kbps * 1000 > MAX_BANDWIDTH_BPS:
        raise ManifestError(f"{where}: EXT-X-BITRATE {kbps} kb/s is out of range")
    return kbps


def _byte_range(entry: dict[str, Any], ends: dict[str, int], where: str) -> ByteRange:
    """EXT-X-BYTERANGE ``n[@o]``; without ``o`` the range continues the previous one of the same URI."""
    uri = _uri(entry, where)
    length, offset = _range_parts(str(entry["byterange"]), where)
    if offset is None:
        if uri not in ends:
            raise ManifestError(f"{where}: EXT-X-BYTERANGE without offset and no earlier range of {uri}")
        offset = ends[uri]
    byte_range = checked_range(offset, length, where)
    ends[uri] = offset + length
    return byte_range


def _range_parts(value: str, where: str) -> tuple[int, int | None]:
    match = _BYTERANGE.fullmatch(value.strip().strip('"'))
    if not match:
        raise ManifestError(f"{where}: bad byte range {value!r}")
    return int(match[1]), None if match[2] is None else int(match[2])


def _init(raw: list[dict[str, Any]], uri: str, where: str) -> Resource | None:
    """The one EXT-X-MAP all segments use; one changing mid-playlist is refused (one init per rung)."""
    maps = {(m.get("uri"), m.get("byterange")) if (m := entry.get("init_section")) else None for entry in raw}
    if len(maps) > 1:
        raise ManifestError(f"{where}: the EXT-X-MAP changes between segments, which is not supported")
    only = maps.pop()
    if only is None:
        return None
    map_uri, map_range = only
    if not map_uri:
        raise ManifestError(f"{where}: EXT-X-MAP without URI")
    if map_range is None:
        return Resource(join_reference(uri, map_uri))
    length, offset = _range_parts(str(map_range), f"{where} EXT-X-MAP")
    if offset is None:
        raise ManifestError(f"{where}: EXT-X-MAP BYTERANGE needs an offset (n@o)")
    return Resource(join_reference(uri, map_uri), checked_range(offset, length, f"{where} EXT-X-MAP"))
