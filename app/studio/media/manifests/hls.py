"""HLS (RFC 8216, version 7: fMP4 segments via EXT-X-MAP) master and media playlists."""

from __future__ import annotations

import math

from app.studio.media.index import HLS_MEDIA, PackageIndex, Rendition
from app.studio.media.segmenter import INIT_NAME, segment_name

VERSION = 7
AUDIO_GROUP = "audio"


def media_playlist(rendition: Rendition, target_s: float) -> str:
    """VOD media playlist; URIs are relative to the rendition's folder.

    EXT-X-BITRATE per segment lets our player know segment sizes (for ABR) from the playlist alone.
    """
    durations = rendition.segment_seconds()
    # RFC 8216 4.3.3.1: each EXTINF rounded to the nearest integer must not exceed the target duration.
    target = max(math.ceil(target_s), max(round(d) for d in durations))
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{VERSION}",
        f"#EXT-X-TARGETDURATION:{target}",
        "#EXT-X-MEDIA-SEQUENCE:1",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        f'#EXT-X-MAP:URI="{INIT_NAME}"',
    ]
    for segment, seconds in zip(rendition.segments, durations, strict=True):
        lines.append(f"#EXT-X-BITRATE:{max(1, round(segment.bytes * 8 / seconds / 1000))}")
        lines.append(f"#EXTINF:{seconds:.6f},")
        lines.append(segment_name(segment.number))
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def master_playlist(index: PackageIndex) -> str:
    """Multivariant playlist: one audio group, one variant per video rendition (lowest bandwidth first)."""
    target = index.segment_seconds
    audio = index.audio[0] if index.audio else None
    lines = ["#EXTM3U", f"#EXT-X-VERSION:{VERSION}", "#EXT-X-INDEPENDENT-SEGMENTS"]
    if audio is not None:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",NAME="Main",LANGUAGE="und",DEFAULT=YES,'
            f'AUTOSELECT=YES,CHANNELS="{audio.meta.channels}",URI="{audio.id}/{HLS_MEDIA}"'
        )
    for video in sorted(index.video, key=lambda r: (r.meta.codec, r.peak_bps(target))):
        peak, average = video.peak_bps(target), video.average_bps
        codecs = video.codec_string
        if audio is not None:
            peak += audio.peak_bps(target)
            average += audio.average_bps
            codecs += f",{audio.codec_string}"
        attributes = [
            f"BANDWIDTH={peak}",
            f"AVERAGE-BANDWIDTH={average}",
            f'CODECS="{codecs}"',
            f"RESOLUTION={video.meta.width}x{video.meta.height}",
            f"FRAME-RATE={float(video.frame_rate):.3f}",
        ]
        if audio is not None:
            attributes.append(f'AUDIO="{AUDIO_GROUP}"')
        lines.append("#EXT-X-STREAM-INF:" + ",".join(attributes))
        lines.append(f"{video.id}/{HLS_MEDIA}")
    return "\n".join(lines) + "\n"
