"""Encode a small ladder end to end and check what players rely on: aligned IDR boundaries, durations,
codec strings, manifests, and that an interrupted encode resumes without redoing finished segments."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from app.studio.media import bmff, errors
from app.studio.media.codecs import FAMILIES, encoder_available
from app.studio.media.encode import encode_video
from app.studio.media.index import PackageIndex, Rendition, Segment, scan_rendition
from app.studio.media.ladder import Rung, plan_fixed
from app.studio.media.manifests import dash
from app.studio.media.package import encode_dir
from app.studio.media.probe import probe
from app.studio.media.segmenter import META_NAME, RenditionMeta, finished_segments, segment_name
from app.studio.media.validate import validate_package

from .conftest import FAST_PRESETS, SEGMENT_SECONDS, TEST_LADDER

NS = {"d": "urn:mpeg:dash:schema:mpd:2011"}


def test_layout_is_an_immutable_path_per_encode(packaged: Path) -> None:
    assert packaged.parts[-3:] == ("titles", "title-1", "enc-1")
    names = {p.name for p in packaged.iterdir()}
    assert {
        "index.json",
        "master.m3u8",
        "manifest.mpd",
        "aac",
        "h264_90p_150k",
        "hevc_180p_280k",
        "av1_180p_240k",
    } <= names
    with pytest.raises(ValueError):
        encode_dir(packaged, "../escape", "x")


def test_segments_start_with_idr_and_are_aligned_across_rungs_and_codecs(packaged: Path) -> None:
    videos = [scan_rendition(d) for d in packaged.iterdir() if d.name.split("_")[0] in FAMILIES]
    assert len(videos) == 5
    for rendition in videos:
        starts = [s.start / rendition.timescale for s in rendition.segments]
        assert starts == [0.0, 1.0, 2.0, 3.0], rendition.id
        for segment in rendition.segments:
            data = (packaged / rendition.id / segment_name(segment.number)).read_bytes()
            assert bmff.read_fragment(data).starts_with_sync


def test_segment_durations_hit_the_target_and_the_last_is_shorter(packaged: Path) -> None:
    index = json.loads((packaged / "index.json").read_text())
    for rendition in index["renditions"]:
        durations = rendition["segmentDurations"]
        if rendition["kind"] == "video":
            assert durations == pytest.approx([1.0, 1.0, 1.0, 0.5]), rendition["id"]
        else:  # AAC: 1024-sample packets, plus the priming packet in the first segment
            assert all(abs(d - 1.0) <= 2 * 1024 / 48000 for d in durations[:-1])
            assert durations[-1] < 1.0
        assert len(rendition["segmentSizes"]) == rendition["segmentCount"] == len(durations)


def test_peak_bandwidth_ignores_a_short_tail_but_never_undercuts_the_average() -> None:
    meta = RenditionMeta("v", "video", "h264", "libx264", 100, 150, 3)
    full = [Segment(1, 0, 4000, 50_000, 40), Segment(2, 4000, 4000, 60_000, 40)]
    # A 0.4 s tail of 8 kB would claim 160 kbit/s; it is left out of the peak (120 kbit/s from segment 2).
    rendition = Rendition(meta, "avc1.64001f", 1000, (*full, Segment(3, 8000, 400, 8_000, 40)))
    assert rendition.peak_bps(4.0) == 120_000
    # A tail so dense that the average exceeds every full segment: the peak follows the average.
    dense = Rendition(meta, "avc1.64001f", 1000, (*full, Segment(3, 8000, 400, 400_000, 40)))
    assert dense.peak_bps(4.0) == dense.average_bps > 120_000


def test_codec_strings_come_from_the_bitstream(packaged: Path) -> None:
    strings = {
        r["id"]: r["codecString"] for r in json.loads((packaged / "index.json").read_text())["renditions"]
    }
    assert re.fullmatch(r"avc1\.[0-9a-f]{6}", strings["h264_180p_400k"])
    assert re.fullmatch(r"hvc1\.1\.6\.L\d+\.[0-9A-F]+(\.[0-9A-F]+)*", strings["hevc_180p_280k"])
    assert re.fullmatch(r"av01\.0\.\d\dM\.08", strings["av1_180p_240k"])
    assert strings["aac"] == "mp4a.40.2"
    init = (packaged / "hevc_180p_280k" / "init.mp4").read_bytes()
    assert bmff.sample_entry(init).type == "hvc1"  # not hev1: parameter sets live in the init segment


def _attributes(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in re.findall(r'([A-Z-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1])}


def test_hls_master_and_media_playlists(packaged: Path) -> None:
    master = (packaged / "master.m3u8").read_text().splitlines()
    assert master[0] == "#EXTM3U" and "#EXT-X-VERSION:7" in master and "#EXT-X-INDEPENDENT-SEGMENTS" in master
    media = [_attributes(line) for line in master if line.startswith("#EXT-X-MEDIA:")]
    assert media == [
        {
            "TYPE": "AUDIO",
            "GROUP-ID": "audio",
            "NAME": "Main",
            "LANGUAGE": "und",
            "DEFAULT": "YES",
            "AUTOSELECT": "YES",
            "CHANNELS": "2",
            "URI": "aac/playlist.m3u8",
        }
    ]
    variants = [
        (i, _attributes(line)) for i, line in enumerate(master) if line.startswith("#EXT-X-STREAM-INF")
    ]
    assert len(variants) == 5
    index = {r["id"]: r for r in json.loads((packaged / "index.json").read_text())["renditions"]}
    for i, attrs in variants:
        rendition = index[master[i + 1].split("/")[0]]
        assert attrs["CODECS"] == f"{rendition['codecString']},mp4a.40.2"
        assert attrs["RESOLUTION"] == f"{rendition['width']}x{rendition['height']}"
        assert attrs["FRAME-RATE"] == "24.000" and attrs["AUDIO"] == "audio"
        assert int(attrs["BANDWIDTH"]) == rendition["peakBitrate"] + index["aac"]["peakBitrate"]
        assert int(attrs["BANDWIDTH"]) >= int(attrs["AVERAGE-BANDWIDTH"])
        assert (packaged / master[i + 1]).exists()
    playlist = (packaged / "h264_144p_250k" / "playlist.m3u8").read_text().splitlines()
    for tag in (
        "#EXT-X-VERSION:7",
        "#EXT-X-TARGETDURATION:1",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        '#EXT-X-MAP:URI="init.mp4"',
    ):
        assert tag in playlist
    assert playlist[-1] == "#EXT-X-ENDLIST"
    extinf = [float(line[8:].rstrip(",")) for line in playlist if line.startswith("#EXTINF:")]
    assert extinf == pytest.approx([1.0, 1.0, 1.0, 0.5])
    uris = [line for line in playlist if line and not line.startswith("#")]
    assert uris == [segment_name(n) for n in range(1, 5)]


def test_dash_mpd(packaged: Path) -> None:
    root = ET.parse(packaged / "manifest.mpd").getroot()
    assert root.get("type") == "static"
    assert set(root.get("profiles").split(",")) == {
        "urn:mpeg:dash:profile:isoff-live:2011",
        "urn:mpeg:dash:profile:cmaf:2019",
    }
    assert root.get("mediaPresentationDuration").startswith("PT3.5")
    sets = root.findall("d:Period/d:AdaptationSet", NS)
    assert [s.get("contentType") for s in sets] == ["video", "video", "video", "audio"]
    index = {r["id"]: r for r in json.loads((packaged / "index.json").read_text())["renditions"]}
    for representation in root.iter("{urn:mpeg:dash:schema:mpd:2011}Representation"):
        rendition = index[representation.get("id")]
        assert representation.get("codecs") == rendition["codecString"]
        assert int(representation.get("bandwidth")) == rendition["peakBitrate"]
        template = representation.find("d:SegmentTemplate", NS)
        assert template.get("media") == "$RepresentationID$/seg_$Number%05d$.m4s"
        assert (packaged / rendition["id"] / template.get("initialization").split("/")[1]).exists()
        timeline = template.findall("d:SegmentTimeline/d:S", NS)
        count = sum(1 + int(s.get("r", 0)) for s in timeline)
        assert count == rendition["segmentCount"]
        if rendition["kind"] == "video":
            assert representation.get("width") == str(rendition["width"])
            assert representation.get("frameRate") == "24"
            scale = int(template.get("timescale"))
            assert [(s.get("d"), s.get("r")) for s in timeline] == [
                (str(scale), "2"),
                (str(scale // 2), None),
            ]


def test_mpd_duration_is_rounded_up_so_the_presentation_never_ends_before_its_media() -> None:
    """3.541333 s of AAC declared as PT3.541S made dash.js end playback before the element did (stuck)."""
    video_meta = RenditionMeta("v", "video", "h264", "libx264", 100, 150, 1, 160, 90, "24")
    video = Rendition(video_meta, "avc1.64000d", 12288, (Segment(1, 0, 43008, 9000, 512),))  # 3.5 s
    audio_meta = RenditionMeta("a", "audio", "aac", "aac", 128, 128, 1, sample_rate=48000, channels=2)
    audio = Rendition(audio_meta, "mp4a.40.2", 48000, (Segment(1, 0, 169984, 9000, 1024),))  # 3.541333 s

    def declared(*renditions: Rendition) -> str | None:
        mpd = dash.mpd(PackageIndex("t", "e", 4.0, renditions))
        return ET.fromstring(mpd).get("mediaPresentationDuration")

    assert declared(video, audio) == "PT3.542S"
    assert declared(video) == "PT3.500S"  # already whole milliseconds: not pushed up by float noise


def test_resume_reencodes_only_the_missing_segments(
    packaged: Path, ladder_master: Path, rungs: list[Rung], tmp_path: Path
) -> None:
    out = tmp_path / "enc"
    shutil.copytree(packaged, out)
    victim = out / "h264_144p_250k"
    original = [bmff.read_fragment((victim / segment_name(n)).read_bytes()) for n in (3, 4)]
    (victim / META_NAME).unlink()
    (victim / segment_name(3)).unlink()
    (victim / segment_name(4)).unlink()
    assert finished_segments(victim) == 2
    stats = encode_video(
        ladder_master, rungs, out, segment_seconds=SEGMENT_SECONDS, gpu="off", presets=FAST_PRESETS
    )
    assert stats.segments_written == 2
    # The resumed segments sit exactly where the lost ones did (bits differ: rate control restarted).
    assert [bmff.read_fragment((victim / segment_name(n)).read_bytes()) for n in (3, 4)] == original
    validate_package(out, SEGMENT_SECONDS)


def test_cancel_leaves_only_whole_segments_and_then_resumes(
    ladder_master: Path, rungs: list[Rung], tmp_path: Path
) -> None:
    class Cancelled(Exception):
        pass

    def cancel_after_first_segment(done: int, total: int, fps: float) -> None:
        if done >= 1:
            raise Cancelled

    h264 = rungs[:3]
    with pytest.raises(Cancelled):
        encode_video(
            ladder_master,
            h264,
            tmp_path,
            segment_seconds=SEGMENT_SECONDS,
            gpu="off",
            presets=FAST_PRESETS,
            on_progress=cancel_after_first_segment,
        )
    done_before = sum(finished_segments(tmp_path / r.id) for r in h264)
    assert not any((tmp_path / r.id / META_NAME).exists() for r in h264)
    assert not list(tmp_path.rglob("*.tmp"))
    stats = encode_video(
        ladder_master, h264, tmp_path, segment_seconds=SEGMENT_SECONDS, gpu="off", presets=FAST_PRESETS
    )
    assert stats.segments_written == 4 * len(h264) - done_before
    validate_package(tmp_path, SEGMENT_SECONDS)


def test_validation_catches_a_segment_that_does_not_start_with_a_keyframe(
    packaged: Path, tmp_path: Path
) -> None:
    out = tmp_path / "enc"
    shutil.copytree(packaged, out)
    bad = out / "h264_90p_150k" / segment_name(2)
    fragment = bytearray(bad.read_bytes())
    trun = bmff.find_box(fragment, ["moof", "traf", "trun"])
    assert trun is not None
    fragment[trun.body + 12 : trun.body + 16] = (0x00010000).to_bytes(
        4, "big"
    )  # first_sample_flags: non-sync
    bad.write_bytes(bytes(fragment))
    with pytest.raises(errors.OutputValidationError, match="keyframe"):
        validate_package(out, SEGMENT_SECONDS)


def test_gpu_on_without_nvenc_fails_clearly(ladder_master: Path, rungs: list[Rung], tmp_path: Path) -> None:
    if encoder_available("h264_nvenc"):
        pytest.skip("this machine has NVENC")
    with pytest.raises(errors.EncoderUnavailableError, match="h264_nvenc"):
        encode_video(ladder_master, rungs[:1], tmp_path, segment_seconds=SEGMENT_SECONDS, gpu="on")


def test_variable_frame_rate_master_keeps_boundaries_on_the_time_grid(
    synth: Callable[..., Path], tmp_path: Path
) -> None:
    master = synth(tmp_path / "vfr.mp4", seconds=3.0, width=320, height=180, variable_rate=True)
    rungs = plan_fixed(probe(master), ["h264"], ladder=TEST_LADDER[:2]).rungs
    encode_video(
        master, rungs, tmp_path / "out", segment_seconds=SEGMENT_SECONDS, gpu="off", presets=FAST_PRESETS
    )
    validate_package(tmp_path / "out", SEGMENT_SECONDS)  # IDR starts, no gaps, aligned across rungs
    rendition = scan_rendition(tmp_path / "out" / rungs[0].id)
    for k, segment in enumerate(rendition.segments):
        start = segment.start / rendition.timescale
        assert k <= start < k + 1.5 / 24  # the first frame at or after k seconds
