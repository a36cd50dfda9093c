"""DASH MPD (static, isoff-live + CMAF profiles) with SegmentTemplate and SegmentTimeline.

SegmentTimeline rather than a plain ``@duration``: segment lengths follow frame timestamps (and audio
frames), so they are only *about* the target; the timeline states them exactly and players never have to
guess where a segment starts.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from itertools import groupby

from app.studio.media.index import PackageIndex, Rendition
from app.studio.media.segmenter import INIT_NAME

NAMESPACE = "urn:mpeg:dash:schema:mpd:2011"
PROFILES = "urn:mpeg:dash:profile:isoff-live:2011,urn:mpeg:dash:profile:cmaf:2019"
_CHANNEL_SCHEME = "urn:mpeg:dash:23003:3:audio_channel_configuration:2011"


def _duration(seconds: float) -> str:
    """xs:duration in whole milliseconds, rounded up so the MPD never ends before its media.

    A presentation declared even a fraction of a millisecond shorter than its longest track (AAC
    packets rarely end on a millisecond) lets dash.js's own end-of-playback check fire while the
    element still plays its last samples: it then seeks, pauses, and the element never ends.
    """
    milliseconds = math.ceil(round(seconds * 1000, 6))  # round() first: 3.5 s must not become 3.501
    return f"PT{milliseconds // 1000}.{milliseconds % 1000:03d}S"


def _frame_rate(rendition: Rendition) -> str:
    rate = rendition.frame_rate
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


def _template(parent: ET.Element, rendition: Rendition) -> None:
    template = ET.SubElement(
        parent,
        "SegmentTemplate",
        timescale=str(rendition.timescale),
        initialization=f"$RepresentationID$/{INIT_NAME}",
        media="$RepresentationID$/seg_$Number%05d$.m4s",
        startNumber="1",
    )
    timeline = ET.SubElement(template, "SegmentTimeline")
    expected = None
    for duration, run in groupby(rendition.segments, key=lambda s: s.duration):
        run = list(run)
        attributes = {"d": str(duration)}
        if run[0].start != expected:  # only where the timeline does not simply continue
            attributes = {"t": str(run[0].start), **attributes}
        if len(run) > 1:
            attributes["r"] = str(len(run) - 1)
        ET.SubElement(timeline, "S", attributes)
        expected = run[-1].start + duration


def mpd(index: PackageIndex) -> str:
    """One Period; an AdaptationSet per video codec (players switch only within one) and one for audio."""
    target = index.segment_seconds
    root = ET.Element(
        "MPD",
        xmlns=NAMESPACE,
        profiles=PROFILES,
        type="static",
        mediaPresentationDuration=_duration(index.duration_s),
        minBufferTime=_duration(target),
    )
    period = ET.SubElement(root, "Period", id="0", start="PT0S")
    by_codec: dict[str, list[Rendition]] = {}
    for rendition in index.video:
        by_codec.setdefault(rendition.meta.codec, []).append(rendition)
    set_id = 0
    for renditions in by_codec.values():
        renditions.sort(key=lambda r: r.peak_bps(target))
        adaptation = ET.SubElement(
            period,
            "AdaptationSet",
            id=str(set_id),
            contentType="video",
            mimeType="video/mp4",
            segmentAlignment="true",
            startWithSAP="1",
            maxWidth=str(max(r.meta.width for r in renditions)),
            maxHeight=str(max(r.meta.height for r in renditions)),
            maxFrameRate=_frame_rate(renditions[0]),
        )
        set_id += 1
        for rendition in renditions:
            representation = ET.SubElement(
                adaptation,
                "Representation",
                id=rendition.id,
                codecs=rendition.codec_string,
                bandwidth=str(rendition.peak_bps(target)),
                width=str(rendition.meta.width),
                height=str(rendition.meta.height),
                frameRate=_frame_rate(rendition),
                sar="1:1",
            )
            _template(representation, rendition)
    for rendition in index.audio:
        adaptation = ET.SubElement(
            period,
            "AdaptationSet",
            id=str(set_id),
            contentType="audio",
            mimeType="audio/mp4",
            lang="und",
            segmentAlignment="true",
            startWithSAP="1",
        )
        set_id += 1
        representation = ET.SubElement(
            adaptation,
            "Representation",
            id=rendition.id,
            codecs=rendition.codec_string,
            bandwidth=str(rendition.peak_bps(target)),
            audioSamplingRate=str(rendition.meta.sample_rate),
        )
        ET.SubElement(
            representation,
            "AudioChannelConfiguration",
            schemeIdUri=_CHANNEL_SCHEME,
            value=str(rendition.meta.channels),
        )
        _template(representation, rendition)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
