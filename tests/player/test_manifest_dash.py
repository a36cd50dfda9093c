"""DASH parsing: addressing modes, BaseURL, codec choice, our studio's real output, hostile MPDs."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from app.player.manifest.dash import parse_dash
from app.player.manifest.hls import build_hls_presentation
from app.player.manifest.load import load_presentation
from app.player.manifest.model import ByteRange, ManifestError

NS = 'xmlns="urn:mpeg:dash:schema:mpd:2011"'


def mpd(period: str, attributes: str = 'mediaPresentationDuration="PT10S"', head: str = "") -> str:
    return (
        f'<?xml version="1.0"?>\n<MPD {NS} type="static" {attributes}>{head}<Period>{period}</Period></MPD>'
    )


def video_set(representations: str, attributes: str = 'contentType="video"', inner: str = "") -> str:
    return f"<AdaptationSet {attributes}>{inner}{representations}</AdaptationSet>"


def rep(rid: str, bandwidth: int, inner: str = "", codecs: str = "avc1.64001f", extra: str = "") -> str:
    attributes = f'id="{rid}" bandwidth="{bandwidth}" codecs="{codecs}" {extra}'
    return f"<Representation {attributes}>{inner}</Representation>"


TEMPLATE = (
    '<SegmentTemplate timescale="1000" duration="4000" startNumber="7" '
    'initialization="$RepresentationID$/init-$Bandwidth$.mp4" media="$RepresentationID$/s_$Number%04d$.m4s"/>'
)


def test_template_with_duration_counts_segments_from_the_presentation_duration() -> None:
    presentation = parse_dash(
        mpd(
            video_set(
                rep("hi", 900_000, extra='width="1280" height="720" frameRate="30000/1001"')
                + rep("lo", 300_000, extra='width="640" height="360" frameRate="25"'),
                inner=TEMPLATE,
            )
        )
    )
    low, high = presentation.video
    assert presentation.format == "dash" and presentation.notes == ()
    assert (low.id, high.id, high.width, high.height) == ("lo", "hi", 1280, 720)
    assert high.frame_rate == pytest.approx(29.97, abs=0.001) and low.frame_rate == 25.0
    assert high.init is not None and high.init.uri == "hi/init-900000.mp4"
    assert [s.resource.uri for s in high.segments] == ["hi/s_0007.m4s", "hi/s_0008.m4s", "hi/s_0009.m4s"]
    assert [s.start_s for s in high.segments] == [0.0, 4.0, 8.0]
    assert [s.duration_s for s in high.segments] == [4.0, 4.0, 2.0]  # the last is cut at the period end
    assert presentation.duration_s == 10.0 and presentation.sizes_at(0) is None


def test_period_duration_beats_the_presentation_duration() -> None:
    text = mpd(video_set(rep("v", 500_000), inner=TEMPLATE)).replace(
        "<Period>", '<Period duration="PT1M0.0S">'
    )
    assert parse_dash(text).segment_count == 15


def test_time_and_bandwidth_identifiers_with_a_timeline() -> None:
    template = (
        '<SegmentTemplate timescale="90000" presentationTimeOffset="9000" initialization="i$$.mp4" '
        'media="$Bandwidth%08d$/t$Time$.m4s"><SegmentTimeline>'
        '<S t="9000" d="180000" r="2"/><S d="90000"/><S t="639000" d="45000" r="1"/>'
        "</SegmentTimeline></SegmentTemplate>"
    )
    presentation = parse_dash(mpd(video_set(rep("v", 500_000, template))))
    segments = presentation.video[0].segments
    assert [s.resource.uri for s in segments] == [
        "00500000/t9000.m4s",
        "00500000/t189000.m4s",
        "00500000/t369000.m4s",
        "00500000/t549000.m4s",
        "00500000/t639000.m4s",
        "00500000/t684000.m4s",
    ]
    assert [s.start_s for s in segments] == pytest.approx([0, 2, 4, 6, 7, 7.5])
    assert [s.duration_s for s in segments] == pytest.approx([2, 2, 2, 1, 0.5, 0.5])
    assert presentation.video[0].init.uri == "i$.mp4"


def test_timeline_repeat_minus_one_runs_to_the_next_s_or_the_period_end() -> None:
    timeline = (
        '<SegmentTemplate timescale="10" media="$Number$.m4s"><SegmentTimeline>'
        '<S t="0" d="20" r="-1"/><S t="60" d="30" r="-1"/></SegmentTimeline></SegmentTemplate>'
    )
    segments = parse_dash(mpd(video_set(rep("v", 1, timeline)))).video[0].segments
    assert [(s.start_s, s.duration_s) for s in segments] == [(0, 2), (2, 2), (4, 2), (6, 3), (9, 3)]
    assert [s.resource.uri for s in segments] == ["1.m4s", "2.m4s", "3.m4s", "4.m4s", "5.m4s"]


def test_segment_list_with_ranges_gives_exact_sizes() -> None:
    def ranged(name: str, scale: int) -> str:
        urls = "".join(
            f'<SegmentURL media="{name}.mp4" mediaRange="{start * scale}-{(start + length) * scale - 1}"/>'
            for start, length in ((1, 50), (51, 30), (81, 20))
        )
        init = f'<Initialization sourceURL="{name}.mp4" range="0-{scale - 1}"/>'
        return segment_list(init + urls, 'timescale="2" duration="8"')

    reps = rep("a", 400_000, ranged("a", 1000)) + rep("b", 200_000, ranged("b", 500))
    presentation = parse_dash(mpd(video_set(reps), 'mediaPresentationDuration="PT12S"'))
    low, high = presentation.video
    assert high.init is not None and high.init.byte_range == ByteRange(0, 1000)
    assert [s.resource.byte_range for s in high.segments] == [
        ByteRange(1000, 50_000),
        ByteRange(51_000, 30_000),
        ByteRange(81_000, 20_000),
    ]
    assert high.segments[0].resource.uri == "a.mp4" and low.init.uri == "b.mp4"
    assert [presentation.sizes_at(i) for i in range(3)] == [
        [25_000, 50_000],
        [15_000, 30_000],
        [10_000, 20_000],
    ]
    assert [s.bitrate_kbps for s in high.segments] == [100, 60, 40]


def test_segment_list_urls_may_be_the_base_url_itself() -> None:
    inner = "<BaseURL>media/v.mp4</BaseURL>" + segment_list('<SegmentURL mediaRange="0-99"/>', 'duration="5"')
    (segment,) = (
        parse_dash(mpd(video_set(rep("v", 1, inner)), 'mediaPresentationDuration="PT5S"')).video[0].segments
    )
    assert (segment.resource.uri, segment.resource.byte_range) == ("media/v.mp4", ByteRange(0, 100))


def test_segment_base_is_refused_clearly() -> None:
    inner = '<BaseURL>v.mp4</BaseURL><SegmentBase indexRange="800-1000"/>'
    with pytest.raises(ManifestError, match="Representation v: SegmentBase .* is not supported"):
        parse_dash(mpd(video_set(rep("v", 1, inner))))


def test_base_urls_resolve_through_every_level_and_alternatives_are_noted() -> None:
    text = mpd(
        video_set(
            rep("v", 1, "<BaseURL>rep/</BaseURL>" + TEMPLATE),
            inner="<BaseURL>set/</BaseURL>",
        ),
        head="<BaseURL>../root/</BaseURL><BaseURL>https://backup.example/root/</BaseURL>",
    ).replace("<Period>", "<Period><BaseURL>period/</BaseURL>")
    presentation = parse_dash(text)
    assert presentation.video[0].segments[0].resource.uri == "../root/period/set/rep/v/s_0007.m4s"
    assert presentation.notes == (
        "MPD: using BaseURL '../root/'; alternatives not used: https://backup.example/root/",
    )
    absolute = parse_dash(
        mpd(video_set(rep("v", 1, TEMPLATE)), head="<BaseURL>https://cdn.example/x/</BaseURL>")
    )
    assert absolute.video[0].init.uri == "https://cdn.example/x/v/init-1.mp4"


def test_only_the_first_period_plays() -> None:
    first = video_set(rep("v", 1, TEMPLATE))
    text = (
        f'<MPD {NS} type="static" mediaPresentationDuration="PT30S">'
        f'<Period start="PT0S">{first}</Period><Period start="PT8S">{first}</Period></MPD>'
    )
    presentation = parse_dash(text)
    assert presentation.duration_s == 8.0 and presentation.segment_count == 2
    assert presentation.notes == ("multi-period MPD: playing only the first of 2 periods",)


def codec_sets() -> str:
    return "".join(
        video_set(
            rep(f"{name}-lo", 300_000, codecs=codec) + rep(f"{name}-hi", 900_000, codecs=codec),
            inner=TEMPLATE,
        )
        for name, codec in (("av1", "av01.0.05M.08"), ("hevc", "hvc1.1.6.L93.B0"), ("avc", "avc3.64001f"))
    )


@pytest.mark.parametrize(("prefer", "chosen"), [("auto", "avc"), ("hevc", "hevc"), ("av1", "av1")])
def test_codec_family_preference(prefer: str, chosen: str) -> None:
    presentation = parse_dash(mpd(codec_sets()), prefer)
    assert [r.id for r in presentation.video] == [f"{chosen}-lo", f"{chosen}-hi"]
    others = sorted(set(("avc", "hevc", "av1")) - {chosen})
    assert sorted(presentation.notes) == [f"skipped 2 {f} rendition(s): playing {chosen}" for f in others]


def test_undecodable_renditions_are_skipped_and_only_those_is_an_error() -> None:
    vp9 = video_set(rep("vp9", 500_000, codecs="vp09.00.10.08"), inner=TEMPLATE)
    presentation = parse_dash(mpd(vp9 + video_set(rep("avc", 500_000), inner=TEMPLATE)))
    assert [r.id for r in presentation.video] == ["avc"]
    assert presentation.notes == ("skipped Representation vp9: no decodable video codec in 'vp09.00.10.08'",)
    with pytest.raises(ManifestError, match="no playable video rendition"):
        parse_dash(mpd(vp9))


def test_kinds_by_mime_type_and_audio_details() -> None:
    audio = (
        '<AdaptationSet mimeType="audio/mp4" lang="fr">'
        '<AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" '
        'value="6"/>'
        f"{rep('fr', 128_000, TEMPLATE, codecs='mp4a.40.2')}</AdaptationSet>"
        f'<AdaptationSet mimeType="audio/mp4">{rep("dts", 128_000, TEMPLATE, codecs="dtsc")}</AdaptationSet>'
        f'<AdaptationSet mimeType="application/mp4">{rep("sub", 1, TEMPLATE, codecs="stpp")}</AdaptationSet>'
    )
    presentation = parse_dash(mpd(video_set(rep("v", 1, TEMPLATE), 'mimeType="video/mp4"') + audio))
    assert [r.id for r in presentation.video] == ["v"]
    (french,) = presentation.audio
    assert (french.kind, french.language, french.channels, french.codecs, french.label) == (
        "audio",
        "fr",
        6,
        "mp4a.40.2",
        "fr",
    )
    assert presentation.notes == (
        "skipped Representation sub: application track",
        "skipped Representation dts: unsupported audio codecs 'dtsc'",
    )


def test_encrypted_and_essential_property_sets_are_skipped() -> None:
    sets = (
        video_set(
            rep("drm", 1, TEMPLATE),
            inner='<ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011"/>',
        )
        + video_set(
            rep("trick", 1, TEMPLATE), inner='<EssentialProperty schemeIdUri="http://dashif.org/trickmode"/>'
        )
        + video_set(rep("v", 1, TEMPLATE))
    )
    presentation = parse_dash(mpd(sets))
    assert [r.id for r in presentation.video] == ["v"]
    assert presentation.notes == (
        "skipped AdaptationSet 0: encrypted (ContentProtection)",
        "skipped AdaptationSet 1: EssentialProperty 'http://dashif.org/trickmode' is not supported",
    )


def test_rungs_disagreeing_on_segment_count_are_dropped() -> None:
    def timeline(count: int) -> str:
        return template_with_timeline(f'<S d="2" r="{count - 1}"/>')

    reps = rep("a", 100, timeline(5)) + rep("b", 200, timeline(6)) + rep("c", 300, timeline(2))
    presentation = parse_dash(mpd(video_set(reps)))
    assert [(r.id, len(r.segments)) for r in presentation.video] == [("a", 5), ("b", 6)]
    assert presentation.notes == ("dropped video rendition c: 2 segments, the others have 5 or 6",)


def test_studio_package_agrees_with_its_hls(studio: Path) -> None:
    base = "https://edge.example/sig/abc/e/"

    def fetch(url: str) -> str:
        return (studio / url.removeprefix(base)).read_text()

    dash = load_presentation(base + "manifest.mpd", fetch)
    hls = build_hls_presentation(fetch(base + "master.m3u8"), base + "master.m3u8", fetch)
    assert dash.format == "dash" and dash.notes == ()
    assert [r.id for r in dash.video] == ["h264_180p_300k", "h264_270p_600k", "h264_360p_1000k"]
    assert [r.height for r in dash.video] == [r.height for r in hls.video] == [180, 270, 360]
    for dash_rung, hls_rung in zip((*dash.video, *dash.audio), (*hls.video, *hls.audio), strict=True):
        assert len(dash_rung.segments) == len(hls_rung.segments) == 4
        assert [s.duration_s for s in dash_rung.segments] == pytest.approx(
            [s.duration_s for s in hls_rung.segments]
        )
        assert [s.start_s for s in dash_rung.segments] == pytest.approx(
            [s.start_s for s in hls_rung.segments]
        )
        assert [s.resource.uri for s in dash_rung.segments] == [s.resource.uri for s in hls_rung.segments]
        assert dash_rung.init == hls_rung.init and (studio / dash_rung.init.uri).is_file()
    assert dash.audio[0].channels == 2 and dash.audio[0].codecs == "mp4a.40.2"
    assert dash.segment_seconds == pytest.approx(4.0) and dash.duration_s == pytest.approx(16.0)


def test_load_presentation_sniffs_dash_with_prefix_and_comment() -> None:
    body = video_set(rep("v", 1, TEMPLATE))
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- packaged by us -->\n'
        '<dash:MPD xmlns:dash="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8S">'
        f"<dash:Period>{body.replace('<', '<dash:').replace('<dash:/', '</dash:')}</dash:Period></dash:MPD>"
    )
    presentation = load_presentation("https://e/x.mpd", {"https://e/x.mpd": text}.__getitem__)
    assert presentation.format == "dash" and presentation.segment_count == 2


BOMB = """<?xml version="1.0"?>
<!DOCTYPE MPD [<!ENTITY a "aaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<MPD type="static"><Period><BaseURL>&d;</BaseURL></Period></MPD>"""
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE MPD [<!ENTITY x SYSTEM "file:///etc/passwd">]><MPD>&x;</MPD>'


def template_with_timeline(s_elements: str, attributes: str = 'timescale="1"') -> str:
    timeline = f"<SegmentTimeline>{s_elements}</SegmentTimeline>"
    return f'<SegmentTemplate {attributes} media="$Number$">{timeline}</SegmentTemplate>'


def timeline_rep(s_elements: str) -> str:
    return mpd(video_set(rep("v", 1, template_with_timeline(s_elements))))


def segment_list(inner: str, attributes: str = 'duration="4"') -> str:
    return f"<SegmentList {attributes}>{inner}</SegmentList>"


def list_rep(inner: str, attributes: str = 'duration="4"') -> str:
    return mpd(video_set(rep("v", 1, segment_list(inner, attributes))))


def template_rep(attributes: str) -> str:
    return mpd(video_set(rep("v", 1, f"<SegmentTemplate {attributes}/>")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "malformed XML"),
        ("<MPD><Period>", "malformed XML"),
        ("<MPD>\x00</MPD>", "malformed XML"),
        (BOMB, "DTDs and entities are not allowed"),
        (EXTERNAL, "DTDs and entities are not allowed"),
        ("<html/>", r"not a DASH MPD \(root element <html>\)"),
        (f'<MPD {NS} type="dynamic"><Period/></MPD>', "live .dynamic. MPDs are not supported"),
        (f'<MPD {NS} type="static"/>', "MPD has no Period"),
        (mpd(""), "no playable video rendition"),
        (mpd(video_set(rep("v", 1, TEMPLATE)), 'mediaPresentationDuration="-PT5S"'), "unsupported duration"),
        (mpd(video_set(rep("v", 1, TEMPLATE)), 'mediaPresentationDuration="P1Y"'), "unsupported duration"),
        (mpd(video_set(rep("v", 1, TEMPLATE)), 'mediaPresentationDuration="PT0S"'), "no positive duration"),
        (mpd(video_set(rep("v", 1, TEMPLATE)), ""), "cannot count segments without a Period or MPD duration"),
        (
            mpd(video_set(rep("v", 1, TEMPLATE)), 'mediaPresentationDuration="PT0.0001S"'),
            "Representation v: no segments",
        ),
        (mpd(video_set(rep("v", 0, TEMPLATE))), r"bandwidth 0 b/s is out of range"),
        (mpd(video_set(rep("v", -5, TEMPLATE))), "negative value -5"),
        (mpd(video_set(rep("v", 10**13, TEMPLATE))), "out of range"),
        (
            mpd(video_set(rep("v", 1, TEMPLATE)).replace('bandwidth="1"', 'bandwidth="1_000"')),
            "not an integer",
        ),
        (mpd(video_set(rep("v", 1, TEMPLATE)).replace('bandwidth="1"', "")), "no @bandwidth"),
        (mpd(video_set(rep("v", 1, TEMPLATE)).replace('id="v"', "")), "Representation without @id"),
        (mpd(video_set(rep("v", 1, TEMPLATE, extra='width="-1"'))), "negative value"),
        (mpd(video_set(rep("v", 1, TEMPLATE, extra='frameRate="30/0"'))), "bad @frameRate"),
        (mpd(video_set(rep("v", 1))), "no SegmentTemplate or SegmentList"),
        (template_rep('media="$Number$" duration="0"'), "positive @duration"),
        (template_rep('media="$Number$" duration="601"'), r"segment duration 601.0 s is out of range"),
        (template_rep('media="$Number$" duration="4" timescale="0"'), "@timescale is 0"),
        (template_rep('media="$Number$" duration="4" startNumber="-1"'), "negative value"),
        (template_rep('duration="4"'), "without @media"),
        (template_rep('media="$Number%0999999d$" duration="4"'), "unsupported template identifier"),
        (template_rep('media="$Nmber$" duration="4"'), r"unsupported template identifier \$Nmber\$"),
        (template_rep('media="$RepresentationID%05d$" duration="4"'), "unsupported template identifier"),
        (template_rep('media="s$Number$$.m4s" duration="4"'), "unbalanced"),
        (
            template_rep('media="$Number$" initialization="i$Number$.mp4" duration="4"'),
            r"\$number\$ cannot be used",
        ),
        (template_rep('media="$Number$" duration="1" timescale="1000000"'), "200000"),
        (timeline_rep(""), "empty SegmentTimeline"),
        (timeline_rep('<S t="0"/>'), "no @d"),
        (timeline_rep('<S d="0"/>'), "out of range"),
        (timeline_rep('<S d="4" r="-2"/>'), "negative value -2"),
        (timeline_rep('<S d="4" r="999999999999999"/>'), "segments .limit 200000 per rendition."),
        (timeline_rep('<S t="10" d="4"/><S t="12" d="4"/>'), "overlaps the previous segment"),
        (timeline_rep('<S t="10" d="4" r="-1"/><S t="5" d="4"/>'), "before its own start"),
        (
            timeline_rep('<S d="4" r="-1"/>').replace('mediaPresentationDuration="PT10S"', ""),
            "neither a following S@t",
        ),
        (list_rep('<SegmentURL media="a" mediaRange="9-3"/>'), "byte range -5@9 is out of range"),
        (list_rep('<SegmentURL media="a" mediaRange="0-2147483648"/>'), "out of range"),
        (list_rep('<SegmentURL media="a" mediaRange="a-b"/>'), "bad byte range"),
        (list_rep(""), "SegmentList without SegmentURL"),
        (list_rep("<SegmentURL/>"), "no URL"),
        (
            list_rep('<SegmentTimeline><S d="4" r="2"/></SegmentTimeline><SegmentURL media="a"/>', ""),
            "SegmentTimeline has 3 segments but there are 1 URLs",
        ),
        (mpd(video_set(rep("v", 1, TEMPLATE) * 2)), "duplicate rendition ids"),
        (mpd(video_set(rep("v", 1, TEMPLATE)) * 65), "more than 64 renditions"),
    ],
)
def test_hostile_mpds(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_dash(text)


def test_templates_cannot_expand_past_the_presentation_budget() -> None:
    """60 representations x 100 000 segments each: refused before a single one of them is built."""
    template = '<SegmentTemplate media="$Number$" duration="1"/>'
    reps = "".join(rep(f"v{i}", 1000 + i, template) for i in range(60))
    started = time.perf_counter()
    with pytest.raises(ManifestError, match="too many segments in the presentation"):
        parse_dash(mpd(video_set(reps), 'mediaPresentationDuration="PT100000S"'))
    assert time.perf_counter() - started < 10


def test_oversized_and_deeply_nested_documents() -> None:
    with pytest.raises(ManifestError, match="MPD is too large"):
        parse_dash("<MPD>" + " " * (5 * 1024 * 1024) + "</MPD>")
    depth = 200_000
    with pytest.raises(ManifestError, match="MPD has no Period"):
        parse_dash("<MPD>" + "<x>" * depth + "</x>" * depth + "</MPD>")


def test_mangled_mpds_raise_only_manifest_errors() -> None:
    """Random damage to a valid MPD: each either parses or fails with a ManifestError, nothing else."""
    rng = random.Random(11)
    source = mpd(
        video_set(
            rep("a", 100_000, '<SegmentTimeline><S t="0" d="4" r="-1"/></SegmentTimeline>')
            + rep(
                "b",
                300_000,
                segment_list('<SegmentURL media="x" mediaRange="0-99"/>', 'duration="5"'),
            ),
            inner='<SegmentTemplate timescale="1" media="$RepresentationID$/$Number%03d$" startNumber="0"/>',
        )
    )
    junk = ["", "-", "$", '"', "0", "-1", "9" * 30, "<", ">", "&amp;", "/"]
    outcomes = set()
    for _ in range(400):
        text = list(source)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text))
            text[at : at + rng.randint(0, 3)] = rng.choice(junk)
        try:
            parse_dash("".join(text))
            outcomes.add("ok")
        except ManifestError:
            outcomes.add("error")
    assert outcomes == {"ok", "error"}
