"""RFC 6381 codec strings from configuration records, and run-time encoder selection."""

from __future__ import annotations

import struct

import pytest

from app.studio.media import codecs
from app.studio.media.errors import EncoderUnavailableError


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def _init(entry: bytes, fixed: int, config: bytes) -> bytes:
    """Minimal init segment: moov/trak/mdia/minf/stbl/stsd holding one sample entry with one config box."""
    sample_entry = _box(entry, bytes(fixed) + config)
    stsd = _box(b"stsd", struct.pack(">II", 0, 1) + sample_entry)
    for kind in (b"stbl", b"minf", b"mdia", b"trak", b"moov"):
        stsd = _box(kind, stsd)
    return stsd


def test_avc_string() -> None:
    init = _init(b"avc1", 78, _box(b"avcC", bytes([1, 0x64, 0x00, 0x1F, 0xFF])))
    assert codecs.codec_string(init) == "avc1.64001f"


def test_hevc_main_string_reverses_compatibility_flags_and_trims_constraints() -> None:
    # Main profile, tier L, level 3.1 (93), compatibility flags 1 and 2, progressive_source_flag set.
    hvcc = bytes([1, 0x01, 0x60, 0, 0, 0, 0xB0, 0, 0, 0, 0, 0, 93])
    assert codecs.codec_string(_init(b"hvc1", 78, _box(b"hvcC", hvcc))) == "hvc1.1.6.L93.B0"


def test_av1_string() -> None:
    av1c = bytes([0x81, (0 << 5) | 5, 0b0000_1100, 0])  # main profile, level 3.1 (5), tier M, 8 bit
    assert codecs.codec_string(_init(b"av01", 78, _box(b"av1C", av1c))) == "av01.0.05M.08"


def test_aac_lc_string() -> None:
    dsi = bytes([0x03, 0x19, 0x00, 0x01, 0x00])  # ES_Descriptor: ES_ID 1, no optional fields
    dsi += bytes([0x04, 0x11, 0x40, 0x15]) + bytes(11)  # DecoderConfig: objectType 0x40 (MPEG-4 audio)
    dsi += bytes([0x05, 0x02, 0x11, 0x90])  # AudioSpecificConfig: AOT 2 (LC), 48 kHz, stereo
    init = _init(b"mp4a", 28, _box(b"esds", bytes(4) + dsi))
    assert codecs.codec_string(init) == "mp4a.40.2"


def test_encoder_selection_falls_back_to_cpu_unless_gpu_is_required() -> None:
    assert codecs.select_encoder("hevc", "off") == "libx265"
    if codecs.encoder_available("av1_nvenc"):
        assert codecs.select_encoder("av1", "auto") == "av1_nvenc"
    else:
        assert codecs.select_encoder("av1", "auto") == "libsvtav1"
        with pytest.raises(EncoderUnavailableError, match="gpu='on'"):
            codecs.select_encoder("av1", "on")
    with pytest.raises(ValueError, match="unknown codec"):
        codecs.select_encoder("vp8")
