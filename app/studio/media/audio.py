"""The audio rendition: the master's first audio track as AAC-LC stereo 48 kHz, segmented like video.

Audio is its own rendition (HLS ``EXT-X-MEDIA`` group, DASH AdaptationSet), so every video rung shares
it. It is encoded in its own pass, which only demuxes (never decodes) the video and so is cheap; for the
same reason an interrupted audio rendition is simply redone rather than resumed: restarting an AAC encoder
mid-stream would need sample-exact trimming and re-priming for a saving of seconds.
"""

from __future__ import annotations

import math
import os
import shutil
from fractions import Fraction
from pathlib import Path

import av

from app.studio.media.segmenter import RenditionMeta, SegmentWriter, open_template, read_meta, template_stream

AUDIO_ID = "aac"
SAMPLE_RATE = 48000
CHANNELS = 2


def encode_audio(
    master: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    bitrate_kbps: int = 128,
    segment_seconds: float = 4.0,
) -> RenditionMeta | None:
    """Encode the audio rendition into ``out_dir/aac/``; ``None`` when the master has no audio.

    A segment starts with the first AAC frame at or after ``k × segment_seconds``, so audio segments
    line up with video ones to within one AAC frame (21 ms).
    """
    directory = Path(out_dir) / AUDIO_ID
    done = read_meta(directory)
    if done is not None:
        return done
    shutil.rmtree(directory, ignore_errors=True)
    with av.open(str(master)) as container:
        if not container.streams.audio:
            return None
        source = container.streams.audio[0]
        stream = template_stream("aac", SAMPLE_RATE)
        ctx = stream.codec_context
        ctx.layout, ctx.format, ctx.bit_rate = "stereo", "fltp", bitrate_kbps * 1000
        open_template(stream)
        segment_ticks = Fraction(segment_seconds) * SAMPLE_RATE
        writer = SegmentWriter(directory, stream, None)
        origin = source.start_time or 0

        def emit(packets: list[av.Packet]) -> None:
            for packet in packets:
                if not writer.written and packet.pts < -writer.pts_offset:
                    # AAC encoders start with priming samples at negative pts: shift them to zero.
                    writer.pts_offset = -packet.pts
                # Grouped by the samples' true time (priming frame included in the first segment).
                writer.add(max(0, math.floor(packet.pts / segment_ticks)), packet)

        for frame in container.decode(source):
            if frame.pts is not None:
                frame.pts = round((frame.pts - origin) * source.time_base * frame.sample_rate)
                frame.time_base = Fraction(1, frame.sample_rate)
            emit(ctx.encode(frame))
        emit(ctx.encode(None))
        if not writer.flush():
            return None
        meta = RenditionMeta(
            id=AUDIO_ID,
            kind="audio",
            codec="aac",
            encoder=ctx.name,
            bitrate_kbps=bitrate_kbps,
            max_bitrate_kbps=bitrate_kbps,
            segments=writer.written,
            sample_rate=SAMPLE_RATE,
            channels=CHANNELS,
        )
        writer.finish(meta)
        return meta
