"""DASH MPD (static, one Period) into a :class:`Presentation`.

The XML goes through defusedxml with DTDs forbidden: an MPD never needs one, and entity expansion is the
classic way a small document becomes gigabytes. Segment counts are checked before templates or timelines
expand, for the same reason. Every :class:`Resource` URI is relative to the MPD URL unless a BaseURL or
segment URL made it absolute.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.player.manifest.model import (
    MAX_RENDITIONS,
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
    finish_presentation,
    join_reference,
    range_kbps,
    select_video_family,
)

_CHANNELS_SCHEME = "urn:mpeg:dash:23003:3:audio_channel_configuration:2011"
_NUMBER = r"([0-9]{1,12}(?:\.[0-9]{1,12})?)"  # bounded, so every duration stays finite
_DURATION = re.compile(rf"P(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?")
_INT = re.compile(r"-?[0-9]{1,18}")
_RANGE = re.compile(r"([0-9]{1,15})-([0-9]{1,15})")
_FRAME_RATE = re.compile(r"([0-9]{1,6})(?:/([0-9]{1,6}))?")
_MODES = ("SegmentTemplate", "SegmentList", "SegmentBase")
_IDENTIFIER = re.compile(r"(RepresentationID|Number|Bandwidth|Time)(?:%0([0-9]{1,2})d)?")


_Run = tuple[int, int, int]  # (media time of the first, duration, count): equal segments back to back


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A Representation with what it inherits from its AdaptationSet and Period, before segments expand."""

    id: str
    kind: str
    codecs: str
    bandwidth_bps: int
    base: str  # the BaseURL chain joined, relative to the MPD ("" when there is none)
    levels: tuple[ET.Element, ...]  # Period, AdaptationSet, Representation: where segment info may sit
    width: int | None
    height: int | None
    frame_rate: float | None
    language: str | None
    channels: int | None

    @property
    def where(self) -> str:
        return f"Representation {self.id}"


@dataclass(frozen=True, slots=True)
class _Clock:
    """A representation's time base: media times are in 1/timescale s, the Period starts at ``offset``."""

    timescale: int
    offset: int  # presentationTimeOffset
    end: int | None  # media time where the Period ends, when its duration is known


@dataclass(frozen=True, slots=True)
class _Plan:
    """A representation's segments before they expand: runs of equal segments and how to address each."""

    candidate: _Candidate
    clock: _Clock
    runs: list[_Run]
    init: Resource | None
    resource: Callable[[int, int], Resource]  # (index, media time) -> where the segment is

    @property
    def count(self) -> int:
        return sum(count for _, _, count in self.runs)


def parse_dash(text: str, prefer: str = "auto") -> Presentation:
    """The first Period of a static MPD; ``prefer`` picks the video codec family (see ``family_order``)."""
    root = _root(text)
    notes: list[str] = []
    period, period_s = _first_period(root, notes)
    base = _base_url(_base_url("", root, "MPD", notes), period, "Period", notes)
    video, audio = _candidates(period, base, notes)
    video = select_video_family(video, lambda c: c.codecs, lambda c: c.where, prefer, notes)
    plans = [_plan(c, period_s) for c in (*video, *_playable_audio(audio, notes))]
    budget = SegmentBudget()
    for plan in plans:  # every count is checked before anything expands
        budget.take(plan.count, plan.candidate.where)
    renditions = [_rendition(plan) for plan in plans]
    return finish_presentation(
        [r for r in renditions if r.kind == "video"],
        [r for r in renditions if r.kind == "audio"],
        "dash",
        notes,
    )


def _root(text: str) -> ET.Element:
    check_manifest_size(text, "MPD")
    try:
        root = fromstring(text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ManifestError(f"MPD: DTDs and entities are not allowed ({exc})") from exc
    except (ET.ParseError, ValueError) as exc:
        raise ManifestError(f"MPD: malformed XML ({exc})") from exc
    if _local(root.tag) != "MPD":
        raise ManifestError(f"not a DASH MPD (root element <{_local(root.tag)}>)")
    if (root.get("type") or "static") != "static":
        raise ManifestError("live (dynamic) MPDs are not supported")
    return root


def _local(tag: object) -> str:
    """An element's name without its namespace: MPDs come with and without the DASH namespace."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((child for child in element if _local(child.tag) == name), None)


def _first_period(root: ET.Element, notes: list[str]) -> tuple[ET.Element, float | None]:
    """The first Period and its duration: its own, up to the next Period, or the rest of the MPD."""
    periods = _children(root, "Period")
    if not periods:
        raise ManifestError("MPD has no Period")
    period = periods[0]
    start = _seconds(period.get("start"), "Period@start") or 0.0
    duration = _seconds(period.get("duration"), "Period@duration")
    if len(periods) > 1:
        notes.append(f"multi-period MPD: playing only the first of {len(periods)} periods")
        next_start = _seconds(periods[1].get("start"), "Period@start")
        if duration is None and next_start is not None:
            duration = next_start - start
    elif duration is None:
        total = _seconds(root.get("mediaPresentationDuration"), "MPD@mediaPresentationDuration")
        duration = None if total is None else total - start
    if duration is not None and duration <= 0:
        raise ManifestError(f"the first Period has no positive duration ({duration:g} s)")
    return period, duration


def _seconds(value: str | None, where: str) -> float | None:
    """An xs:duration limited to days, hours, minutes and seconds (years and months have no fixed length)."""
    if value is None:
        return None
    match = _DURATION.fullmatch(value.strip())
    if not match or not any(match.groups()):
        raise ManifestError(f"{where}: unsupported duration {value!r}")
    days, hours, minutes, seconds = (float(group or 0) for group in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _base_url(parent: str, element: ET.Element, where: str, notes: list[str]) -> str:
    """``parent`` joined with the element's BaseURL; the first of several is used, the others noted."""
    bases = [text for b in _children(element, "BaseURL") if (text := (b.text or "").strip())]
    if not bases:
        return parent
    if len(bases) > 1:
        notes.append(f"{where}: using BaseURL {bases[0]!r}; alternatives not used: {', '.join(bases[1:])}")
    return join_reference(parent, bases[0])


def _candidates(period: ET.Element, base: str, notes: list[str]) -> tuple[list[_Candidate], list[_Candidate]]:
    """The period's usable video and audio Representations; anything else is skipped with a note."""
    video: list[_Candidate] = []
    audio: list[_Candidate] = []
    for index, adaptation in enumerate(_children(period, "AdaptationSet")):
        where = f"AdaptationSet {adaptation.get('id', index)}"
        if reason := _unusable(adaptation):
            notes.append(f"skipped {where}: {reason}")
            continue
        set_base = _base_url(base, adaptation, where, notes)
        for representation in _children(adaptation, "Representation"):
            candidate = _candidate(period, adaptation, representation, set_base, where, notes)
            if candidate is not None:
                (video if candidate.kind == "video" else audio).append(candidate)
        if len(video) + len(audio) > MAX_RENDITIONS:
            raise ManifestError(f"MPD: more than {MAX_RENDITIONS} renditions")
    return video, audio


def _unusable(element: ET.Element) -> str | None:
    """Why a set or representation cannot play: encrypted, or an EssentialProperty we do not implement.

    DASH requires clients to ignore elements whose EssentialProperty scheme they do not understand.
    """
    if _child(element, "ContentProtection") is not None:
        return "encrypted (ContentProtection)"
    essential = _child(element, "EssentialProperty")
    if essential is not None:
        return f"EssentialProperty {essential.get('schemeIdUri')!r} is not supported"
    return None


def _candidate(
    period: ET.Element,
    adaptation: ET.Element,
    representation: ET.Element,
    set_base: str,
    set_where: str,
    notes: list[str],
) -> _Candidate | None:
    rep_id = representation.get("id")
    if not rep_id:
        raise ManifestError(f"{set_where}: Representation without @id")
    where = f"Representation {rep_id}"
    codecs = representation.get("codecs") or adaptation.get("codecs") or ""
    kind = _kind(adaptation, representation, codecs)
    reason = _unusable(representation) or (
        None if kind in ("video", "audio") else f"{kind or 'unknown'} track"
    )
    if reason:
        notes.append(f"skipped {where}: {reason}")
        return None
    bandwidth = _int(representation.get("bandwidth"), f"{where}@bandwidth")
    if bandwidth is None:
        raise ManifestError(f"{where}: no @bandwidth")
    return _Candidate(
        id=rep_id,
        kind=kind,
        codecs=codecs,
        bandwidth_bps=check_bandwidth(bandwidth, where),
        base=_base_url(set_base, representation, where, notes),
        levels=(period, adaptation, representation),
        width=_dimension(representation, adaptation, "width", where),
        height=_dimension(representation, adaptation, "height", where),
        frame_rate=_frame_rate(representation.get("frameRate") or adaptation.get("frameRate"), where),
        language=adaptation.get("lang") or representation.get("lang"),
        channels=_channels(representation, adaptation),
    )


def _kind(adaptation: ET.Element, representation: ET.Element, codecs: str) -> str:
    """contentType, else the mimeType's major type, else a guess from the codecs."""
    mime = representation.get("mimeType") or adaptation.get("mimeType") or ""
    kind = adaptation.get("contentType") or mime.partition("/")[0]
    if kind:
        return kind
    component = _child(adaptation, "ContentComponent")
    if component is not None and component.get("contentType"):
        return str(component.get("contentType"))
    return "audio" if codecs and audio_supported(codecs) else "video"


def _dimension(representation: ET.Element, adaptation: ET.Element, name: str, where: str) -> int | None:
    value = _int(representation.get(name) or adaptation.get(name), f"{where}@{name}")
    if value is not None and not 0 < value <= 65535:
        raise ManifestError(f"{where}: @{name} {value} is out of range")
    return value


def _frame_rate(value: str | None, where: str) -> float | None:
    if value is None:
        return None
    match = _FRAME_RATE.fullmatch(value.strip())
    if not match or int(match[1]) == 0 or match[2] is not None and int(match[2]) == 0:
        raise ManifestError(f"{where}: bad @frameRate {value!r}")
    return int(match[1]) / int(match[2] or 1)


def _channels(representation: ET.Element, adaptation: ET.Element) -> int | None:
    """The channel count, from the one AudioChannelConfiguration scheme that states it as a plain number."""
    for element in (representation, adaptation):
        for config in _children(element, "AudioChannelConfiguration"):
            value = (config.get("value") or "").strip()
            if config.get("schemeIdUri") == _CHANNELS_SCHEME and re.fullmatch(r"[0-9]{1,2}", value):
                return int(value)
    return None


def _playable_audio(audio: list[_Candidate], notes: list[str]) -> list[_Candidate]:
    playable = [c for c in audio if audio_supported(c.codecs)]
    notes.extend(
        f"skipped {c.where}: unsupported audio codecs {c.codecs!r}" for c in audio if c not in playable
    )
    return playable


def _int(value: str | None, where: str) -> int | None:
    """A decimal integer attribute, strictly: ``int()`` alone would also take ``"1_000"`` and ``" +5"``."""
    if value is None:
        return None
    if not _INT.fullmatch(value.strip()):
        raise ManifestError(f"{where}: {value!r} is not an integer")
    number = int(value)
    if number < 0:
        raise ManifestError(f"{where}: negative value {number}")
    return number


def _plan(candidate: _Candidate, period_s: float | None) -> _Plan:
    """How the representation's segments are addressed, as runs not yet expanded."""
    mode, levels = _addressing(candidate)
    build = _template_plan if mode == "SegmentTemplate" else _list_plan
    return build(candidate, levels, period_s)


def _addressing(candidate: _Candidate) -> tuple[str, list[ET.Element]]:
    """The innermost level stating an addressing mode decides it; outer ones of that mode are inherited."""
    modes = [
        name for level in reversed(candidate.levels) for name in _MODES if _child(level, name) is not None
    ]
    if not modes:
        raise ManifestError(f"{candidate.where}: no SegmentTemplate or SegmentList")
    if modes[0] == "SegmentBase":
        raise ManifestError(f"{candidate.where}: SegmentBase (one sidx-indexed file) is not supported")
    return modes[0], [found for level in candidate.levels if (found := _child(level, modes[0])) is not None]


def _merged(levels: list[ET.Element]) -> tuple[dict[str, str], ET.Element | None, ET.Element | None]:
    """Attributes merged outermost first (inner levels override), and the innermost timeline and init."""
    attributes: dict[str, str] = {}
    timeline = initialization = None
    for level in levels:
        attributes.update(level.attrib)
        if (found := _child(level, "SegmentTimeline")) is not None:
            timeline = found
        if (found := _child(level, "Initialization")) is not None:
            initialization = found
    return attributes, timeline, initialization


def _clock(attributes: dict[str, str], period_s: float | None, where: str) -> _Clock:
    stated = _int(attributes.get("timescale"), f"{where}@timescale")
    if stated == 0:
        raise ManifestError(f"{where}: @timescale is 0")
    timescale = 1 if stated is None else stated
    offset = _int(attributes.get("presentationTimeOffset"), f"{where}@presentationTimeOffset") or 0
    end = None if period_s is None else offset + round(period_s * timescale)
    return _Clock(timescale, offset, end)


def _template_plan(candidate: _Candidate, levels: list[ET.Element], period_s: float | None) -> _Plan:
    where = candidate.where
    attributes, timeline, initialization = _merged(levels)
    if not attributes.get("media"):
        raise ManifestError(f"{where}: SegmentTemplate without @media")
    media = _template(attributes["media"], candidate)
    clock = _clock(attributes, period_s, where)
    start_number = _int(attributes.get("startNumber"), f"{where}@startNumber")
    first = 1 if start_number is None else start_number
    runs = (
        _timeline(timeline, clock, where)
        if timeline is not None
        else _uniform(attributes, clock, None, where)
    )

    def resource(index: int, time: int) -> Resource:
        return Resource(join_reference(candidate.base, _fill(media, where, number=first + index, time=time)))

    if attributes.get("initialization"):
        uri = _fill(_template(attributes["initialization"], candidate), f"{where} initialization")
        init: Resource | None = Resource(join_reference(candidate.base, uri))
    else:
        init = _initialization(initialization, candidate)
    return _Plan(candidate, clock, runs, init, resource)


def _list_plan(candidate: _Candidate, levels: list[ET.Element], period_s: float | None) -> _Plan:
    where = candidate.where
    attributes, timeline, initialization = _merged(levels)
    urls = next((found for level in reversed(levels) if (found := _children(level, "SegmentURL"))), [])
    if not urls:
        raise ManifestError(f"{where}: SegmentList without SegmentURL")
    clock = _clock(attributes, period_s, where)
    runs = (
        _timeline(timeline, clock, where)
        if timeline is not None
        else _uniform(attributes, clock, len(urls), where)
    )
    count = sum(count for _, _, count in runs)
    if count != len(urls):
        raise ManifestError(f"{where}: SegmentTimeline has {count} segments but there are {len(urls)} URLs")

    def resource(index: int, time: int) -> Resource:
        url = urls[index]
        return _resource(candidate.base, url.get("media"), url.get("mediaRange"), f"{where} segment {index}")

    return _Plan(candidate, clock, runs, _initialization(initialization, candidate), resource)


def _rendition(plan: _Plan) -> Rendition:
    """Expand a plan whose segment count the budget has already accepted."""
    candidate, clock = plan.candidate, plan.clock
    times = ((start + i * duration, duration) for start, duration, count in plan.runs for i in range(count))
    segments = tuple(
        _segment(index, time, duration, clock, plan.resource(index, time))
        for index, (time, duration) in enumerate(times)
    )
    return Rendition(
        id=candidate.id,
        kind=candidate.kind,
        bandwidth_bps=candidate.bandwidth_bps,
        codecs=candidate.codecs,
        init=plan.init,
        segments=segments,
        width=candidate.width,
        height=candidate.height,
        frame_rate=candidate.frame_rate,
        language=candidate.language,
        channels=candidate.channels,
    )


def _segment(number: int, time: int, duration: int, clock: _Clock, resource: Resource) -> MediaSegment:
    seconds = duration / clock.timescale
    kbps = range_kbps(resource.byte_range, seconds)
    return MediaSegment(number, (time - clock.offset) / clock.timescale, seconds, resource, kbps)


def _initialization(element: ET.Element | None, candidate: _Candidate) -> Resource | None:
    if element is None:
        return None
    return _resource(
        candidate.base, element.get("sourceURL"), element.get("range"), f"{candidate.where} init"
    )


def _resource(base: str, uri: str | None, byte_range: str | None, where: str) -> Resource:
    """A segment or init: its URL (else the BaseURL itself) and an optional ``first-last`` byte range."""
    target = join_reference(base, uri) if uri else base
    if not target:
        raise ManifestError(f"{where}: no URL (neither its own nor a BaseURL)")
    return Resource(target, None if byte_range is None else _byte_range(byte_range, where))


def _byte_range(value: str, where: str) -> ByteRange:
    match = _RANGE.fullmatch(value.strip())
    if not match:
        raise ManifestError(f"{where}: bad byte range {value!r}")
    first, last = int(match[1]), int(match[2])
    return checked_range(first, last - first + 1, where)


def _timeline(timeline: ET.Element, clock: _Clock, where: str) -> list[_Run]:
    """The runs of a SegmentTimeline, checked S by S; counts may be huge until the budget refuses them."""
    entries = _children(timeline, "S")
    if not entries:
        raise ManifestError(f"{where}: empty SegmentTimeline")
    runs: list[_Run] = []
    time = 0  # an S without @t continues from the previous one; the first one starts at 0
    for index, entry in enumerate(entries):
        at = f"{where} S[{index}]"
        start = _int(entry.get("t"), f"{at}@t")
        start = time if start is None else start
        duration = _int(entry.get("d"), f"{at}@d")
        if duration is None:
            raise ManifestError(f"{at}: no @d")
        if start < time:
            raise ManifestError(f"{at}: @t {start} overlaps the previous segment (ends at {time})")
        check_duration(duration / clock.timescale, at)
        count = _repeat_count(entry, entries[index + 1 : index + 2], start, duration, clock, at)
        runs.append((start, duration, count))
        time = start + duration * count
    return runs


def _repeat_count(
    entry: ET.Element, following: list[ET.Element], start: int, duration: int, clock: _Clock, where: str
) -> int:
    """1 + @r; @r = -1 repeats up to the next S@t or, for the last S, the end of the Period."""
    repeat = entry.get("r")
    if repeat is None or repeat.strip() != "-1":
        return (_int(repeat, f"{where}@r") or 0) + 1
    until = _int(following[0].get("t"), f"{where}@t") if following else clock.end
    if until is None:
        raise ManifestError(f"{where}: @r=-1 but neither a following S@t nor a Period duration ends it")
    if until <= start:
        raise ManifestError(f"{where}: @r=-1 repeats up to {until}, before its own start {start}")
    return math.ceil((until - start) / duration)


def _uniform(attributes: dict[str, str], clock: _Clock, count: int | None, where: str) -> list[_Run]:
    """Equal segments of @duration; their count from ``count`` (a SegmentList) or the Period's length.

    The last segment is cut where the Period ends, as DASH clients do.
    """
    duration = _int(attributes.get("duration"), f"{where}@duration")
    if not duration:
        raise ManifestError(f"{where}: neither a SegmentTimeline nor a positive @duration")
    check_duration(duration / clock.timescale, where)
    if count is None:
        if clock.end is None:
            raise ManifestError(f"{where}: cannot count segments without a Period or MPD duration")
        count = -(-(clock.end - clock.offset) // duration)
    last_start = clock.offset + (count - 1) * duration
    if count and clock.end is not None and last_start < clock.end < last_start + duration:
        return [(clock.offset, duration, count - 1), (last_start, clock.end - last_start, 1)]
    return [(clock.offset, duration, count)]


def _template(text: str, candidate: _Candidate) -> str:
    """A SegmentTemplate string as a ``str.format`` pattern with ``{number}`` and ``{time}`` left open.

    The %0Nd width is capped at two digits: a template must not be able to ask for a gigabyte of zeros.
    """
    parts = text.split("$")
    if len(parts) % 2 == 0:
        raise ManifestError(f"{candidate.where}: unbalanced '$' in template {text!r}")
    pattern: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern.append(_escape(part))
        elif not part:
            pattern.append("$")  # "$$" is a literal dollar
        else:
            pattern.append(_identifier(part, candidate))
    return "".join(pattern)


def _identifier(part: str, candidate: _Candidate) -> str:
    match = _IDENTIFIER.fullmatch(part)
    if not match or (match[1] == "RepresentationID" and match[2]):
        raise ManifestError(f"{candidate.where}: unsupported template identifier ${part}$")
    name, spec = match[1], f"0{match[2]}d" if match[2] else "d"
    if name == "RepresentationID":
        return _escape(candidate.id)
    if name == "Bandwidth":
        return format(candidate.bandwidth_bps, spec)
    return "{" + name.lower() + ":" + spec + "}"


def _escape(literal: str) -> str:
    return literal.replace("{", "{{").replace("}", "}}")


def _fill(pattern: str, where: str, **values: int) -> str:
    """Expand a template pattern; an identifier with no value here ($Number$ in an init URL) is an error."""
    try:
        return pattern.format(**values)
    except KeyError as exc:
        raise ManifestError(f"{where}: ${exc.args[0]}$ cannot be used here") from exc
