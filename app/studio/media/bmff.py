"""Just enough ISO-BMFF (MP4) box handling to package CMAF.

Why our own reader: FFmpeg's mp4 muxer gives us correct ``moov``/``moof`` boxes, but we mux each segment
independently (so a crashed encode can resume at any segment) and therefore have to split its output into
an init segment and media segments, stamp each fragment with its place on the title's timeline, and later
read sizes, durations and codec configuration back from the files without decoding them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_CONTAINERS = {"moov", "trak", "mdia", "minf", "stbl", "moof", "traf", "mvex", "edts", "dinf"}
# A sample whose flags have this bit set is not a sync sample (ISO/IEC 14496-12, 8.8.3.1).
_NON_SYNC = 0x00010000


@dataclass(frozen=True)
class Box:
    """Location of one box inside a byte buffer."""

    type: str
    start: int
    size: int
    header: int

    @property
    def end(self) -> int:
        return self.start + self.size

    @property
    def body(self) -> int:
        """Offset of the first byte after the box header."""
        return self.start + self.header


def iter_boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[Box]:
    """Yield the boxes laid end to end in ``data[start:end]``; stops at a box that runs past the end."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                return
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        yield Box(kind.decode("latin-1"), pos, size, header)
        pos += size


def find_box(data: bytes, path: Sequence[str], start: int = 0, end: int | None = None) -> Box | None:
    """First box reached by following ``path`` (e.g. ``["moov", "trak", "mdia", "mdhd"]``) from the top."""
    for box in iter_boxes(data, start, end):
        if box.type != path[0]:
            continue
        if len(path) == 1:
            return box
        if box.type in _CONTAINERS:
            found = find_box(data, path[1:], box.body, box.end)
            if found is not None:
                return found
    return None


def split_fragmented(data: bytes) -> tuple[bytes, list[bytes]]:
    """Split fragmented-MP4 bytes into the init segment (ftyp+moov) and its moof+mdat fragments.

    Trailing index boxes (``mfra``) and any ``styp``/``sidx`` are dropped: our manifests address
    segments by file, so only the media itself is kept.
    """
    init = bytearray()
    fragments: list[bytes] = []
    moof: Box | None = None
    for box in iter_boxes(data):
        if box.type in ("ftyp", "moov"):
            init += data[box.start : box.end]
        elif box.type == "moof":
            moof = box
        elif box.type == "mdat" and moof is not None:
            fragments.append(data[moof.start : box.end])
            moof = None
    return bytes(init), fragments


def styp() -> bytes:
    """Segment type box marking a CMAF/DASH media segment (brands msdh, msix, cmfs)."""
    body = b"msdh" + struct.pack(">I", 0) + b"msdh" + b"msix" + b"cmfs"
    return struct.pack(">I", 8 + len(body)) + b"styp" + body


def stamp_fragment(fragment: bytes, sequence: int, base_decode_time: int) -> bytes:
    """Return ``fragment`` with its mfhd sequence number and tfdt decode time replaced.

    The muxer numbers every independently muxed segment 1 and starts it at time 0; players need the
    real sequence and the segment's position on the track timeline.
    """
    out = bytearray(fragment)
    mfhd = find_box(out, ["moof", "mfhd"])
    tfdt = find_box(out, ["moof", "traf", "tfdt"])
    if mfhd is None or tfdt is None:
        raise ValueError("fragment has no mfhd/tfdt")
    struct.pack_into(">I", out, mfhd.body + 4, sequence)
    if out[tfdt.body] == 1:
        struct.pack_into(">Q", out, tfdt.body + 4, base_decode_time)
    elif base_decode_time < 2**32:
        struct.pack_into(">I", out, tfdt.body + 4, base_decode_time)
    else:
        raise ValueError("32-bit tfdt cannot hold the decode time")
    return bytes(out)


@dataclass(frozen=True)
class FragmentInfo:
    """What a player learns from one moof: where it sits on the timeline and how long it lasts."""

    sequence: int
    base_decode_time: int
    sample_count: int
    duration: int
    starts_with_sync: bool
    longest_sample: int


def read_fragment(data: bytes, default_sample_duration: int = 0) -> FragmentInfo:
    """Parse the (single-track) moof of a media segment. ``default_sample_duration`` comes from trex."""
    mfhd = find_box(data, ["moof", "mfhd"])
    traf = find_box(data, ["moof", "traf"])
    if mfhd is None or traf is None:
        raise ValueError("not a media segment: moof/traf missing")
    sequence = struct.unpack_from(">I", data, mfhd.body + 4)[0]
    base_time = 0
    default_duration = default_sample_duration
    default_flags = 0
    count = 0
    duration = 0
    longest = 0
    first_flags: int | None = None
    for box in iter_boxes(data, traf.body, traf.end):
        version_flags = struct.unpack_from(">I", data, box.body)[0]
        version, flags = version_flags >> 24, version_flags & 0xFFFFFF
        pos = box.body + 4
        if box.type == "tfdt":
            base_time = struct.unpack_from(">Q" if version == 1 else ">I", data, pos)[0]
        elif box.type == "tfhd":
            pos += 4  # track_ID
            for bit, width in ((0x1, 8), (0x2, 4)):  # base_data_offset, sample_description_index
                pos += width if flags & bit else 0
            if flags & 0x8:
                default_duration = struct.unpack_from(">I", data, pos)[0]
                pos += 4
            pos += 4 if flags & 0x10 else 0  # default_sample_size
            if flags & 0x20:
                default_flags = struct.unpack_from(">I", data, pos)[0]
        elif box.type == "trun":
            n = struct.unpack_from(">I", data, pos)[0]
            pos += 4 + (4 if flags & 0x1 else 0)
            if flags & 0x4:
                first_flags = struct.unpack_from(">I", data, pos)[0]
                pos += 4
            for i in range(n):
                sample_duration = default_duration
                if flags & 0x100:
                    sample_duration = struct.unpack_from(">I", data, pos)[0]
                    pos += 4
                pos += 4 if flags & 0x200 else 0
                if flags & 0x400:
                    if i == 0 and first_flags is None:
                        first_flags = struct.unpack_from(">I", data, pos)[0]
                    pos += 4
                pos += 4 if flags & 0x800 else 0
                duration += sample_duration
                longest = max(longest, sample_duration)
            count += n
    sync_flags = default_flags if first_flags is None else first_flags
    return FragmentInfo(sequence, base_time, count, duration, not sync_flags & _NON_SYNC, longest)


def track_timescale(init: bytes) -> int:
    """Media timescale (ticks per second) of the init segment's track."""
    mdhd = find_box(init, ["moov", "trak", "mdia", "mdhd"])
    if mdhd is None:
        raise ValueError("init segment has no mdhd")
    version = init[mdhd.body]
    return struct.unpack_from(">I", init, mdhd.body + (20 if version == 1 else 12))[0]


def trex_default_duration(init: bytes) -> int:
    """Default sample duration the fragments inherit from the init segment's trex box."""
    trex = find_box(init, ["moov", "mvex", "trex"])
    return 0 if trex is None else struct.unpack_from(">I", init, trex.body + 12)[0]


def sample_entry(init: bytes) -> Box:
    """The first sample entry (avc1, hvc1, av01, mp4a, ...) of the init segment's track."""
    stsd = find_box(init, ["moov", "trak", "mdia", "minf", "stbl", "stsd"])
    if stsd is None:
        raise ValueError("init segment has no stsd")
    entry = next(iter_boxes(init, stsd.body + 8, stsd.end), None)
    if entry is None:
        raise ValueError("stsd has no sample entry")
    return entry


def sample_entry_child(init: bytes, kind: str) -> Box | None:
    """A configuration box (avcC, hvcC, av1C, esds) inside the sample entry."""
    entry = sample_entry(init)
    # Visual sample entries have 78 bytes of fixed fields, audio ones 28 (ISO/IEC 14496-12, 12.1/12.2).
    fixed = 78 if entry.type in ("avc1", "avc3", "hvc1", "hev1", "av01") else 28
    for box in iter_boxes(init, entry.body + fixed, entry.end):
        if box.type == kind:
            return box
    return None
