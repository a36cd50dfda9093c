"""HLS parsing: every supported tag on handwritten playlists, our studio's real output, hostile input."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import urljoin

import pytest

from app.player.manifest.hls import build_hls_presentation, parse_hls_master, parse_hls_media
from app.player.manifest.load import load_presentation
from app.player.manifest.model import ByteRange, ManifestError, Presentation, join_reference

MASTER_URL = "https://edge.example/sig/abc/titles/t1/e1/master.m3u8?token=x"
BASE = "https://edge.example/sig/abc/titles/t1/e1/"


class Server:
    """``fetch`` over a dict of documents keyed by URL relative to the master; remembers what was asked."""

    def __init__(self, documents: dict[str, str]) -> None:
        self.documents = {urljoin(MASTER_URL, path): text for path, text in documents.items()}
        self.fetched: list[str] = []

    def __call__(self, url: str) -> str:
        self.fetched.append(url)
        return self.documents[url]


def media(*segments: str, head: str = "", tail: str = "#EXT-X-ENDLIST") -> str:
    return "\n".join(["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:4", head, *segments, tail]) + "\n"


def uniform(count: int, prefix: str = "seg", duration: float = 4.0) -> str:
    return media(
        *(f"#EXTINF:{duration},\n{prefix}_{i}.m4s" for i in range(count)), head='#EXT-X-MAP:URI="init.mp4"'
    )


MASTER = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",CHANNELS="6/JOC",URI="audio/en/a.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="French",LANGUAGE="fr",CHANNELS="2",URI="audio/fr/a.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=2400000,AVERAGE-BANDWIDTH=2000000,CODECS="avc1.64001f,mp4a.40.2",\
RESOLUTION=1280x720,FRAME-RATE=29.970,AUDIO="aud"
v720/v.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=600000,AVERAGE-BANDWIDTH=500000,CODECS="avc1.64000d,mp4a.40.2",\
RESOLUTION=416x234,FRAME-RATE=25,AUDIO="aud"
v234/v.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1200000,CODECS="avc1.640015,mp4a.40.2",RESOLUTION=640x360,AUDIO="aud"
v360/v.m3u8
"""


def master_server(**overrides: str) -> Server:
    documents = {
        "v720/v.m3u8": uniform(3),
        "v234/v.m3u8": uniform(3),
        "v360/v.m3u8": uniform(3),
        "audio/en/a.m3u8": uniform(3),
        "audio/fr/a.m3u8": uniform(3),
    }
    return Server({**documents, **overrides})


def build(master: str, server: Server, prefer: str = "auto") -> Presentation:
    return build_hls_presentation(master, MASTER_URL, server, prefer)


def test_master_attributes_ascending_rungs_and_audio() -> None:
    server = master_server()
    presentation = build(MASTER, server)
    low, mid, high = presentation.video
    assert [r.bandwidth_bps for r in presentation.video] == [600_000, 1_200_000, 2_400_000]
    assert (high.average_bandwidth_bps, high.codecs) == (2_000_000, "avc1.64001f,mp4a.40.2")
    assert (high.width, high.height, high.frame_rate, high.label) == (1280, 720, pytest.approx(29.97), "720p")
    assert (low.frame_rate, mid.frame_rate, mid.average_bandwidth_bps) == (25.0, None, None)
    assert presentation.format == "hls" and presentation.notes == ()
    assert [(a.language, a.channels, a.codecs, a.kind) for a in presentation.audio] == [
        ("en", 6, "mp4a.40.2", "audio"),
        ("fr", 2, "mp4a.40.2", "audio"),
    ]
    assert sorted(server.fetched) == sorted(server.documents)  # every media playlist, by absolute URL


def test_uris_are_relative_to_the_master_so_any_edge_resolves_them() -> None:
    presentation = build(MASTER, master_server())
    rung = presentation.video[0]
    assert rung.init is not None and rung.init.uri == "v234/init.mp4"
    assert [s.resource.uri for s in rung.segments] == ["v234/seg_0.m4s", "v234/seg_1.m4s", "v234/seg_2.m4s"]
    assert presentation.audio[0].segments[1].resource.uri == "audio/en/seg_1.m4s"
    other_edge = "https://edge2.example/sig/zzz/titles/t1/e1/master.m3u8"
    assert urljoin(other_edge, rung.segments[0].resource.uri) == (
        "https://edge2.example/sig/zzz/titles/t1/e1/v234/seg_0.m4s"
    )


def test_parse_master_gives_fetchable_urls() -> None:
    master = parse_hls_master(MASTER, MASTER_URL)
    assert [(v.uri, v.url) for v in master.variants][0] == ("v720/v.m3u8", BASE + "v720/v.m3u8")
    assert master.variants[0].audio_group == "aud"
    assert [(a.group_id, a.name, a.url) for a in master.audio][1] == (
        "aud",
        "French",
        BASE + "audio/fr/a.m3u8",
    )
    with pytest.raises(ManifestError, match="media playlist"):
        parse_hls_master(uniform(2), MASTER_URL)


def test_references_above_the_folder_and_absolute_ones() -> None:
    playlist = media(
        "#EXTINF:4,\n../shared/a.m4s",
        "#EXTINF:4,\nhttps://cdn.example/x/b.m4s",
        "#EXTINF:4,\n/root/c.m4s",
        head='#EXT-X-MAP:URI="../../init.mp4"',
    )
    parsed = parse_hls_media(playlist, "v/deep/v.m3u8")
    assert parsed.init is not None and parsed.init.uri == "init.mp4"
    assert [s.resource.uri for s in parsed.segments] == [
        "v/shared/a.m4s",
        "https://cdn.example/x/b.m4s",
        "/root/c.m4s",
    ]
    absolute = parse_hls_media(uniform(1), "https://other.example/p/v.m3u8")
    assert absolute.segments[0].resource.uri == "https://other.example/p/seg_0.m4s"


@pytest.mark.parametrize(
    ("base", "ref"),
    [
        ("v/v.m3u8", "s.m4s"),
        ("a/b/v.m3u8", "../../../s.m4s"),
        ("../up/v.m3u8?sig=1", "s.m4s?q=2"),
        ("v/", "sub/"),
        ("v/x.m3u8", ".."),
        ("/abs/v.m3u8", "../s"),
        ("https://c.example/x/v.m3u8", "s"),
        ("v/v.m3u8", "//cdn.example/s"),
        ("", "s.m4s"),
    ],
)
def test_join_reference_resolves_like_two_urljoins(base: str, ref: str) -> None:
    for master in (MASTER_URL, "http://h/a/b/c/d/e/f/master.m3u8"):
        assert urljoin(master, join_reference(base, ref)) == urljoin(urljoin(master, base), ref)


def test_extinf_durations_accumulate_into_start_times() -> None:
    parsed = parse_hls_media(media("#EXTINF:4.004,\na.ts", "#EXTINF:3.5,\nb.ts", "#EXTINF:2,\nc.ts"))
    assert [s.number for s in parsed.segments] == [0, 1, 2]
    assert [s.start_s for s in parsed.segments] == pytest.approx([0.0, 4.004, 7.504])
    assert [s.duration_s for s in parsed.segments] == pytest.approx([4.004, 3.5, 2.0])
    assert parsed.init is None  # MPEG-TS: no EXT-X-MAP


def test_bitrate_applies_until_the_next_one() -> None:
    parsed = parse_hls_media(
        media(
            "#EXTINF:4,\na.ts",
            "#EXT-X-BITRATE:800\n#EXTINF:4,\nb.ts",
            "#EXTINF:2,\nc.ts",
            "#EXT-X-BITRATE:1200\n#EXTINF:4,\nd.ts",
            "#EXTINF:4,\ne.ts",
        )
    )
    assert [s.bitrate_kbps for s in parsed.segments] == [None, 800, 800, 1200, 1200]


BYTERANGE_MEDIA = """#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="main.mp4",BYTERANGE="720@0"
#EXTINF:4.0,
#EXT-X-BYTERANGE:100000@720
main.mp4
#EXTINF:4.0,
#EXT-X-BYTERANGE:80000
main.mp4
#EXTINF:2.0,
#EXT-X-BYTERANGE:50000
main.mp4
#EXT-X-ENDLIST
"""


def test_byte_ranges_with_implicit_offsets_give_exact_sizes() -> None:
    presentation = build(
        '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=300000,CODECS="avc1.42e01e"\nlow/v.m3u8\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=200000,CODECS="avc1.42e01e"\nlower/v.m3u8\n',
        Server({"low/v.m3u8": BYTERANGE_MEDIA, "lower/v.m3u8": BYTERANGE_MEDIA.replace("0000", "000")}),
    )
    high = presentation.video[1]
    assert high.init is not None and high.init.uri == "low/main.mp4"
    assert high.init.byte_range == ByteRange(0, 720)
    assert [s.resource.byte_range for s in high.segments] == [
        ByteRange(720, 100_000),
        ByteRange(100_720, 80_000),
        ByteRange(180_720, 50_000),
    ]
    assert high.segments[1].resource.byte_range.header == "bytes=100720-180719"
    assert [presentation.sizes_at(i) for i in range(3)] == [[10_000, 100_000], [8000, 80_000], [5000, 50_000]]
    assert [s.bitrate_kbps for s in high.segments] == [200, 160, 200]


def test_implicit_offset_continues_per_uri() -> None:
    parsed = parse_hls_media(
        media(
            "#EXTINF:4,\n#EXT-X-BYTERANGE:10@0\na.mp4",
            "#EXTINF:4,\n#EXT-X-BYTERANGE:20@5\nb.mp4",
            "#EXTINF:4,\n#EXT-X-BYTERANGE:30\na.mp4",
            "#EXTINF:4,\n#EXT-X-BYTERANGE:40\nb.mp4",
        )
    )
    assert [s.resource.byte_range for s in parsed.segments] == [
        ByteRange(0, 10),
        ByteRange(5, 20),
        ByteRange(10, 30),
        ByteRange(25, 40),
    ]


def test_media_playlist_alone_plays_as_one_rung() -> None:
    server = Server({})
    text = media("#EXT-X-BITRATE:900\n#EXTINF:4,\na.ts", "#EXT-X-BITRATE:1500\n#EXTINF:4,\nb.ts")
    presentation = build_hls_presentation(text, BASE + "only.m3u8", server)
    assert server.fetched == []
    assert [r.id for r in presentation.video] == ["only.m3u8"]
    assert presentation.video[0].bandwidth_bps == 1_500_000
    assert presentation.segment_count == 2 and presentation.duration_s == 8.0
    assert presentation.video[0].segments[1].resource.uri == "b.ts"


def test_media_playlist_without_bitrates_notes_the_unknown_bandwidth() -> None:
    presentation = build_hls_presentation(uniform(2), BASE + "only.m3u8", Server({}))
    assert presentation.video[0].bandwidth_bps == 0 and presentation.bitrates_kbps == [1]
    assert presentation.notes == ("media playlist without a master: bandwidth unknown",)


MULTI_CODEC = """#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="hvc1.1.6.L93.B0,mp4a.40.2"
hevc/v.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=700000,CODECS="av01.0.05M.08,mp4a.40.2"
av1/v.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1200000,CODECS="avc1.64001f,mp4a.40.2"
avc/v.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=100000,CODECS="mp4a.40.2"
audio-only/a.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="vp09.00.10.08,mp4a.40.2"
vp9/v.m3u8
"""
CODEC_DOCS = {f"{n}/v.m3u8": uniform(2) for n in ("hevc", "av1", "avc", "vp9")}


@pytest.mark.parametrize(
    ("prefer", "chosen"), [("auto", "avc"), ("avc", "avc"), ("hevc", "hevc"), ("av1", "av1")]
)
def test_one_codec_family_is_chosen_and_only_its_playlists_fetched(prefer: str, chosen: str) -> None:
    server = Server(CODEC_DOCS)
    presentation = build(MULTI_CODEC, server, prefer)
    assert [r.id for r in presentation.video] == [f"{chosen}/v.m3u8"]
    assert server.fetched == [BASE + f"{chosen}/v.m3u8"]
    notes = "\n".join(presentation.notes)
    assert "skipped audio-only/a.m3u8: no decodable video codec in 'mp4a.40.2'" in notes
    assert "skipped vp9/v.m3u8" in notes and "playing " + chosen in notes


def test_preferred_family_absent_falls_back_to_auto_order() -> None:
    master = MULTI_CODEC.replace("av01.0.05M.08", "vp09.00.10.08")
    assert build(master, Server(CODEC_DOCS), "av1").video[0].id == "avc/v.m3u8"


def test_missing_codecs_are_assumed_h264_with_a_note() -> None:
    presentation = build(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000\nv/v.m3u8\n", Server({"v/v.m3u8": uniform(2)})
    )
    assert presentation.notes == ("v/v.m3u8: no codecs declared, assumed H.264",)


def test_unsupported_codecs_only_is_no_playable_video() -> None:
    master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000,CODECS="vp09.00.10.08"\nv/v.m3u8\n'
    with pytest.raises(ManifestError, match="no playable video rendition"):
        build(master, Server({}))


def test_unsupported_audio_group_is_skipped() -> None:
    master = (
        '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x",URI="a/a.m3u8"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=500000,CODECS="avc1.64001f,dtsc",AUDIO="a"\nv/v.m3u8\n'
    )
    presentation = build(master, Server({"v/v.m3u8": uniform(2)}))
    assert presentation.audio == ()
    assert presentation.notes == ("skipped audio a/a.m3u8: unsupported codecs 'dtsc'",)


def test_variants_sharing_a_playlist_become_one_rung() -> None:
    master = (
        '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000,CODECS="avc1.64001f",AUDIO="a"\nv/v.m3u8\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=700000,CODECS="avc1.64001f",AUDIO="b"\nv/v.m3u8\n'
    )
    server = Server({"v/v.m3u8": uniform(2)})
    presentation = build(master, server)
    assert [r.bandwidth_bps for r in presentation.video] == [500_000] and len(server.fetched) == 1
    assert "repeats a media playlist" in presentation.notes[0]


def test_rungs_may_differ_by_one_segment_but_not_more() -> None:
    master = "#EXTM3U\n" + "".join(
        f'#EXT-X-STREAM-INF:BANDWIDTH={b},CODECS="avc1.64001f"\n{n}/v.m3u8\n'
        for n, b in (("a", 100_000), ("b", 200_000), ("c", 300_000), ("d", 400_000))
    )
    docs = {"a/v.m3u8": uniform(10), "b/v.m3u8": uniform(11), "c/v.m3u8": uniform(4), "d/v.m3u8": uniform(10)}
    presentation = build(master, Server(docs))
    assert [(r.id, len(r.segments)) for r in presentation.video] == [
        ("a/v.m3u8", 10),
        ("b/v.m3u8", 11),
        ("d/v.m3u8", 10),
    ]
    assert presentation.notes == ("dropped video rendition c/v.m3u8: 4 segments, the others have 10 or 11",)


def local_fetch(folder: Path, base: str):
    def fetch(url: str) -> str:
        assert url.startswith(base), url
        return (folder / url[len(base) :]).read_text()

    return fetch


def test_studio_package(studio: Path) -> None:
    presentation = load_presentation(BASE + "master.m3u8", local_fetch(studio, BASE))
    assert presentation.format == "hls" and presentation.notes == ()
    assert [r.height for r in presentation.video] == [180, 270, 360]
    assert presentation.segment_count == 4 and presentation.segment_seconds == pytest.approx(4.0)
    assert [a.codecs for a in presentation.audio] == ["mp4a.40.2"]
    for rendition in (*presentation.video, *presentation.audio):
        assert rendition.init is not None and (studio / rendition.init.uri).is_file()
        assert len(rendition.segments) == 4
    for index in range(presentation.segment_count):
        stated = presentation.sizes_at(index)
        real = [(studio / r.segments[index].resource.uri).stat().st_size for r in presentation.video]
        assert stated is not None
        assert stated == pytest.approx(real, rel=0.01)


def test_load_presentation_sniffs_hls_and_rejects_other_documents() -> None:
    server = master_server(**{"master.m3u8": "\ufeff\n" + MASTER})
    assert load_presentation(BASE + "master.m3u8", server).format == "hls"
    with pytest.raises(ManifestError, match="neither an HLS playlist"):
        load_presentation(BASE + "x", Server({"x": "<html><body>404</body></html>"}))
    with pytest.raises(ManifestError, match="neither an HLS playlist"):
        load_presentation(BASE + "x", Server({"x": ""}))
    with pytest.raises(ValueError, match="unknown codec preference"):
        load_presentation(BASE + "x", Server({}), prefer="vp9")


def test_oversized_manifest_is_refused_before_parsing() -> None:
    text = "#EXTM3U\n" + "#" * (5 * 1024 * 1024)
    with pytest.raises(ManifestError, match="too large"):
        load_presentation(BASE + "x", Server({"x": text}))
    with pytest.raises(ManifestError, match="too large"):
        build(MASTER, master_server(**{"v720/v.m3u8": text}))


def test_live_playlists_are_refused() -> None:
    with pytest.raises(ManifestError, match="live playlists are not supported"):
        parse_hls_media(media("#EXTINF:4,\na.ts", tail=""))
    with pytest.raises(ManifestError, match="live playlists are not supported"):
        build(
            MASTER,
            master_server(
                **{"v360/v.m3u8": media("#EXTINF:4,\na.ts", head="#EXT-X-PLAYLIST-TYPE:EVENT", tail="")}
            ),
        )
    vod = parse_hls_media(media("#EXTINF:4,\na.ts", head="#EXT-X-PLAYLIST-TYPE:VOD", tail=""))
    assert len(vod.segments) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no #EXTM3U header"),
        ("#EXTM3U\n", "no segments"),
        (media(), "no segments"),
        (media("#EXTINF:0,\na.ts"), r"segment 0: segment duration 0.0 s is out of range"),
        (media("#EXTINF:-4,\na.ts"), "out of range"),
        (media("#EXTINF:600.5,\na.ts"), "out of range"),
        (media("#EXTINF:nan,\na.ts"), "out of range"),
        (media("#EXTINF:4,\na.ts", "#EXTINF:inf,\nb.ts"), "segment 1: segment duration inf"),
        (media("#EXTINF:four,\na.ts"), "unreadable playlist"),
        (media("#EXT-X-BYTERANGE:0@0\n#EXTINF:4,\na.mp4"), "byte range 0@0 is out of range"),
        (media("#EXT-X-BYTERANGE:2147483649@0\n#EXTINF:4,\na.mp4"), "out of range"),
        (media("#EXT-X-BYTERANGE:-5@0\n#EXTINF:4,\na.mp4"), "bad byte range"),
        (media("#EXT-X-BYTERANGE:100\n#EXTINF:4,\na.mp4"), "without offset and no earlier range of a.mp4"),
        (
            media("#EXT-X-BYTERANGE:100@0\n#EXTINF:4,\na.mp4", "#EXT-X-BYTERANGE:5\n#EXTINF:4,\nb.mp4"),
            "no earlier",
        ),
        (media("#EXTINF:4,\na.mp4", head='#EXT-X-MAP:URI="i.mp4",BYTERANGE="100"'), "needs an offset"),
        (media("#EXTINF:4,\na.mp4", head='#EXT-X-MAP:URI="i.mp4",BYTERANGE="0@0"'), "out of range"),
        (media("#EXT-X-BITRATE:0\n#EXTINF:4,\na.ts"), "EXT-X-BITRATE 0 kb/s is out of range"),
        (media("#EXT-X-BITRATE:-300\n#EXTINF:4,\na.ts"), "out of range"),
        (media("#EXT-X-BITRATE:99999999999\n#EXTINF:4,\na.ts"), "out of range"),
        (media("#EXT-X-BITRATE:fast\n#EXTINF:4,\na.ts"), "unreadable playlist"),
        (
            media('#EXT-X-KEY:METHOD=AES-128,URI="k"\n#EXTINF:4,\na.ts'),
            "encrypted segments are not supported",
        ),
        (
            media('#EXT-X-MAP:URI="i1.mp4"\n#EXTINF:4,\na.mp4', '#EXT-X-MAP:URI="i2.mp4"\n#EXTINF:4,\nb.mp4'),
            "changes",
        ),
        (media("#EXTINF:4,\na.mp4", '#EXT-X-MAP:URI="i.mp4"\n#EXTINF:4,\nb.mp4'), "EXT-X-MAP changes"),
        (MASTER, "expected a media playlist"),
        ("#EXTM3U\n#EXT-X-ENDLIST\n" + "#EXTINF:1,\na.ts\n" * 200_001, "more than 200000 segments"),
    ],
)
def test_hostile_media_playlists(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_hls_media(text)


def stream_inf(attributes: str) -> str:
    return f"#EXTM3U\n#EXT-X-STREAM-INF:{attributes}\nv/v.m3u8\n"


@pytest.mark.parametrize(
    ("master", "message"),
    [
        (stream_inf('CODECS="avc1.64001f"'), "without BANDWIDTH"),
        (stream_inf("BANDWIDTH=0"), r"bandwidth 0 b/s is out of range"),
        (stream_inf("BANDWIDTH=-500000"), "out of range"),
        (stream_inf("BANDWIDTH=5000000000000"), "out of range"),
        (stream_inf("BANDWIDTH=1e400"), "unreadable playlist"),
        (stream_inf("BANDWIDTH=500000,AVERAGE-BANDWIDTH=-1"), "out of range"),
        (stream_inf("BANDWIDTH=500000,RESOLUTION=-640x360"), "bad RESOLUTION"),
        (stream_inf("BANDWIDTH=500000,RESOLUTION=0x0"), "bad RESOLUTION"),
        (stream_inf("BANDWIDTH=500000,FRAME-RATE=-30"), "bad FRAME-RATE"),
        (stream_inf("BANDWIDTH=500000,FRAME-RATE=nan"), "bad FRAME-RATE"),
        (stream_inf("BANDWIDTH=500000") + "#EXT-X-STREAM-INF:BANDWIDTH=1\nv/v.m3u8\n" * 64, "65 renditions"),
    ],
)
def test_hostile_master_playlists(master: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        build(master, Server({"v/v.m3u8": uniform(2)}))


def test_a_variant_pointing_at_a_master_is_refused() -> None:
    with pytest.raises(ManifestError, match="media playlist v/v.m3u8: expected a media playlist"):
        build(stream_inf("BANDWIDTH=500000"), Server({"v/v.m3u8": MASTER}))


def test_mangled_playlists_raise_only_manifest_errors() -> None:
    """Random damage to valid playlists: each either parses or fails with a ManifestError, nothing else."""
    rng = random.Random(7)
    sources = [BYTERANGE_MEDIA, uniform(3), MASTER]
    junk = [
        "",
        "#EXTINF:",
        "#EXT-X-BYTERANGE:@",
        "#EXT-X-STREAM-INF:BANDWIDTH=x",
        '"',
        "=",
        ",",
        "\x00",
        "-1",
        "9" * 40,
    ]
    outcomes = set()
    for _ in range(400):
        lines = rng.choice(sources).splitlines()
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(lines))
            action = rng.randrange(3)
            if action == 0:
                del lines[at]
            elif action == 1:
                lines.insert(at, rng.choice(junk))
            else:
                cut = rng.randrange(len(lines[at]) + 1)
                lines[at] = lines[at][:cut] + rng.choice(junk) + lines[at][cut:]
        try:
            build_hls_presentation("\n".join(lines), MASTER_URL, lambda url: uniform(3))
            outcomes.add("ok")
        except ManifestError:
            outcomes.add("error")
    assert outcomes == {"ok", "error"}
