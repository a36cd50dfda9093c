"""Codec families, run-time encoder selection and RFC 6381 codec strings.

Encoders are chosen by *trying to open them*, because the FFmpeg build lists NVENC encoders whether or
not a GPU and driver are present. Codec strings are read from the packaged init segment (avcC, hvcC,
av1C, esds) rather than predicted from settings, so manifests describe the bitstream players will get.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Literal

import av

from app.studio.media import bmff
from app.studio.media.errors import EncoderUnavailableError

GpuMode = Literal["auto", "on", "off"]


@dataclass(frozen=True)
class CodecFamily:
    """One video codec we package, with its CPU and NVENC encoders."""

    name: str
    software: str
    nvenc: str
    default_preset: str
    # MP4 sample entry tag; hvc1 (parameter sets in the init segment only) is what Apple and DASH
    # players expect for HEVC, FFmpeg's default would be hev1.
    tag: str | None
    # Bits needed relative to H.264 for the same quality; drives the ladder for the other codecs.
    bitrate_ratio: float


FAMILIES: dict[str, CodecFamily] = {
    "h264": CodecFamily("h264", "libx264", "h264_nvenc", "veryfast", None, 1.0),
    "hevc": CodecFamily("hevc", "libx265", "hevc_nvenc", "veryfast", "hvc1", 0.7),
    "av1": CodecFamily("av1", "libsvtav1", "av1_nvenc", "10", None, 0.6),
}
NVENC_PRESET = "p4"
# Encoders with rate-control zones (a bitrate multiplier over a frame range within one stream): the ones
# that can apply a per-shot allocation without breaking the stream, its segment alignment or resuming.
ZONE_ENCODERS = ("libx264", "libx265")


def family(name: str) -> CodecFamily:
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown codec {name!r}; choose from {', '.join(FAMILIES)}") from None


def family_of(encoder: str) -> CodecFamily:
    """The family an FFmpeg encoder name (CPU or NVENC) belongs to."""
    for fam in FAMILIES.values():
        if encoder in (fam.software, fam.nvenc):
            return fam
    raise ValueError(f"{encoder!r} is not one of our encoders")


@cache
def encoder_available(encoder: str) -> bool:
    """Whether ``encoder`` can actually be opened here (cached: opening NVENC costs ~100 ms)."""
    try:
        ctx = av.CodecContext.create(encoder, "w")
        ctx.width, ctx.height, ctx.pix_fmt = 320, 240, "yuv420p"
        ctx.time_base = Fraction(1, 25)
        ctx.open()
    except (av.FFmpegError, ValueError):
        return False
    return True


def select_encoder(codec: str, gpu: GpuMode = "auto") -> str:
    """FFmpeg encoder name for ``codec``: NVENC when ``gpu`` allows and it opens, else the CPU encoder."""
    fam = family(codec)
    if gpu == "off":
        return fam.software
    if encoder_available(fam.nvenc):
        return fam.nvenc
    if gpu == "on":
        raise EncoderUnavailableError(f"gpu='on' but {fam.nvenc} cannot be opened (no NVIDIA GPU or driver)")
    return fam.software


def encoder_options(
    encoder: str, preset: str | None, keyint: int, zones: Sequence[tuple[int, int, float]] = ()
) -> dict[str, str]:
    """Private options that make an encoder emit IDR frames only where we force them.

    Scene-cut keyframes would split segments unevenly and break alignment across rungs, so scene cuts
    are off and the GOP limit (``keyint``) is kept longer than a segment; ``forced-idr`` turns the
    I pictures we request at segment boundaries into IDRs (closed GOPs). ``zones`` are (first frame, last
    frame, bitrate multiplier) in the encoder's own frame numbering, for the :data:`ZONE_ENCODERS` only.
    """
    fam = family_of(encoder)
    if zones and encoder not in ZONE_ENCODERS:
        raise ValueError(f"{encoder} has no rate-control zones")
    zoned = (
        ":zones=" + "/".join(f"{first},{last},b={factor:.3f}" for first, last, factor in zones)
        if zones
        else ""
    )
    if encoder == fam.nvenc:
        return {"preset": preset or NVENC_PRESET, "forced-idr": "1", "no-scenecut": "1", "rc": "vbr"}
    preset = preset or fam.default_preset
    if encoder == "libx264":
        return {"preset": preset, "forced-idr": "1", "x264-params": f"scenecut=0:open-gop=0{zoned}"}
    if encoder == "libx265":
        params = f"scenecut=0:open-gop=0:keyint={keyint}:min-keyint=1:log-level=error{zoned}"
        return {"preset": preset, "forced-idr": "1", "x265-params": params}
    return {"preset": preset, "svtav1-params": "scd=0"}


def codec_string(init: bytes) -> str:
    """RFC 6381 codec string (``avc1.64001f``, ``hvc1.1.6.L93.B0``, ``av01.0.05M.08``, ``mp4a.40.2``)."""
    entry = bmff.sample_entry(init)
    if entry.type in ("avc1", "avc3"):
        return _avc_string(init, entry.type)
    if entry.type in ("hvc1", "hev1"):
        return _hevc_string(init, entry.type)
    if entry.type == "av01":
        return _av1_string(init)
    if entry.type == "mp4a":
        return _aac_string(init)
    raise ValueError(f"no codec string for sample entry {entry.type!r}")


def _config(init: bytes, kind: str) -> bytes:
    box = bmff.sample_entry_child(init, kind)
    if box is None:
        raise ValueError(f"sample entry has no {kind}")
    return init[box.body : box.end]


def _avc_string(init: bytes, tag: str) -> str:
    cfg = _config(init, "avcC")
    return f"{tag}.{cfg[1]:02x}{cfg[2]:02x}{cfg[3]:02x}"


def _hevc_string(init: bytes, tag: str) -> str:
    """ISO/IEC 14496-15 Annex E: profile space+idc, reversed compatibility flags, tier+level, constraints."""
    cfg = _config(init, "hvcC")
    space = "" if cfg[1] >> 6 == 0 else "ABC"[(cfg[1] >> 6) - 1]
    tier = "H" if cfg[1] & 0x20 else "L"
    profile = cfg[1] & 0x1F
    compat = int(f"{struct.unpack_from('>I', cfg, 2)[0]:032b}"[::-1], 2)
    constraints = list(cfg[6:12])
    while constraints and constraints[-1] == 0:
        constraints.pop()
    parts = [f"{tag}", f"{space}{profile}", f"{compat:X}", f"{tier}{cfg[12]}"]
    parts += [f"{b:X}" for b in constraints]
    return ".".join(parts)


def _av1_string(init: bytes) -> str:
    """AV1 ISOBMFF binding, section 5: av01.<profile>.<level><tier>.<bitdepth>."""
    cfg = _config(init, "av1C")
    profile, level = cfg[1] >> 5, cfg[1] & 0x1F
    tier = "H" if cfg[2] & 0x80 else "M"
    high, twelve = bool(cfg[2] & 0x40), bool(cfg[2] & 0x20)
    depth = 12 if high and twelve else 10 if high else 8
    return f"av01.{profile}.{level:02d}{tier}.{depth:02d}"


def _aac_string(init: bytes) -> str:
    """mp4a.<objectTypeIndication>.<audioObjectType> from the esds descriptors."""
    esds = _config(init, "esds")[4:]  # skip version/flags
    pos = 0
    object_type = None
    while pos < len(esds):
        tag = esds[pos]
        pos += 1
        length = 0
        while True:  # expandable size: 7 bits per byte, high bit = more
            byte = esds[pos]
            pos += 1
            length = (length << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        if tag == 0x03:  # ES_Descriptor: ES_ID(2) + flags(1), then nested descriptors
            flags = esds[pos + 2]
            pos += 3 + (2 if flags & 0x80 else 0) + (2 if flags & 0x20 else 0)
            if flags & 0x40:
                pos += 1 + esds[pos]
        elif tag == 0x04:  # DecoderConfigDescriptor: objectTypeIndication, then 12 bytes, then nested
            object_type = esds[pos]
            pos += 13
        elif tag == 0x05 and object_type is not None:  # DecoderSpecificInfo: audioObjectType in 5 bits
            return f"mp4a.{object_type:02x}.{esds[pos] >> 3}"
        else:
            pos += length
    raise ValueError("esds has no DecoderSpecificInfo")
