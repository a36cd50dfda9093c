"""Pure pieces: path keys, signing, ranges, eviction policies, traces and steering."""

from __future__ import annotations

import pytest

from app.backend.cdn import signing
from app.backend.cdn.cache import CacheIndex
from app.backend.cdn.paths import BadPath, object_key
from app.backend.cdn.policy import LfuDaPolicy, LruPolicy
from app.backend.cdn.ranges import ByteRange, Unsatisfiable, parse_range
from app.backend.cdn.shaping import Trace
from app.backend.cdn.steering import EdgeStatus, rank_edges

KEY = b"k" * 32


def test_object_key_accepts_plain_keys() -> None:
    assert object_key(b"/titles/42/v1/seg_00001.m4s") == "titles/42/v1/seg_00001.m4s"
    assert object_key("/titles/42/master%2Em3u8") == "titles/42/master.m3u8"


@pytest.mark.parametrize(
    "raw",
    [
        b"/../etc/passwd",
        b"/titles/../../etc/passwd",
        b"/titles/%2e%2e/%2e%2e/etc/passwd",
        b"/titles/%2E%2E%2Fsecret",
        b"/titles/%252e%252e/secret",
        b"/titles/..%5csecret",
        b"/titles\\..\\secret",
        b"//etc/passwd",
        b"/titles/a%00.m4s",
        b"/titles/./a.m4s",
        b"/titles/.hidden",
        b"/titles/%c0%ae%c0%ae/secret",
        b"/",
        b"/C:/windows/win.ini",
        b"/titles/" + b"a/" * 40 + b"x",
    ],
)
def test_object_key_rejects_traversal_and_oddities(raw: bytes) -> None:
    with pytest.raises(BadPath):
        object_key(raw)


def test_signed_token_covers_its_prefix_only() -> None:
    token = signing.sign("titles/42/", "sess-1", 2000, KEY)
    assert signing.verify("titles/42/v1/seg_1.m4s", "sess-1", 2000, token, KEY, now=1000)
    assert not signing.verify("titles/421/seg_1.m4s", "sess-1", 2000, token, KEY, now=1000)
    assert not signing.verify("titles/43/seg_1.m4s", "sess-1", 2000, token, KEY, now=1000)
    assert not signing.verify("titles/42/seg_1.m4s", "sess-2", 2000, token, KEY, now=1000)
    assert not signing.verify("titles/42/seg_1.m4s", "sess-1", 2001, token, KEY, now=1000)
    assert not signing.verify("titles/42/seg_1.m4s", "sess-1", 2000, token, KEY, now=2000)
    assert not signing.verify("titles/42/seg_1.m4s", "sess-1", 2000, token, b"other-key", now=1000)
    assert not signing.verify("titles/42/seg_1.m4s", "sess-1", 2000, "é" + token[1:], KEY, now=1000)


def test_signed_path_embeds_credentials_before_the_prefix() -> None:
    path = signing.signed_path("titles/42/", "s1", 2000, KEY)
    assert path == f"/s/s1/2000/{signing.sign('titles/42/', 's1', 2000, KEY)}/titles/42/"
    with pytest.raises(ValueError):
        signing.sign("titles/42/", "bad/session", 2000, KEY)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=900-", ByteRange(900, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),
        ("bytes=10-99999999999999999", ByteRange(10, 999)),
        ("bytes=500-100", None),  # inverted: invalid, so ignored (full 200)
        ("bytes=0-1,5-9", None),  # several ranges: we may ignore them
        ("items=0-10", None),
        ("bytes=abc", None),
        ("bytes=" + "9" * 200, None),  # absurdly long: ignored
    ],
)
def test_parse_range(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0", "bytes=99999999999999999-"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, 1000)


def _run(index: CacheIndex, keys: list[str]) -> None:
    for key in keys:
        if not index.hit(key):
            index.make_room(1)
            index.add(key, 1)


def test_lfu_da_keeps_the_popular_object_that_lru_drops() -> None:
    trace = ["popular"] * 10 + [f"tail-{i}" for i in range(5)]
    lfu, lru = CacheIndex(3, LfuDaPolicy()), CacheIndex(3, LruPolicy())
    _run(lfu, trace)
    _run(lru, trace)
    assert "popular" in lfu
    assert "popular" not in lru


def test_lfu_da_ages_out_yesterdays_hit() -> None:
    """Dynamic aging: once requests move on, a formerly popular object is eventually evicted."""
    index = CacheIndex(3, LfuDaPolicy())
    _run(index, ["old"] * 5)
    for round_ in range(10):
        _run(index, [f"new-a-{round_}", f"new-a-{round_}", f"new-b-{round_}", f"new-b-{round_}"])
    assert "old" not in index


def test_lfu_da_remembers_the_popularity_of_evicted_objects() -> None:
    policy = LfuDaPolicy()
    policy.admit("segment")
    for _ in range(4):
        policy.touch("segment")
    policy.forget("segment")
    policy.admit("segment")
    assert policy.hits("segment") == 6  # five remembered hits plus this one


def test_index_never_exceeds_capacity_and_skips_oversized() -> None:
    index = CacheIndex(10, LfuDaPolicy())
    for i in range(20):
        index.make_room(3)
        index.add(f"k{i}", 3)
        assert index.used_bytes <= 10
    assert not index.fits(11)
    assert index.evictions == 17


def test_trace_integral_and_inverse_loop() -> None:
    trace = Trace.parse("# pensieve\n0\t8\n1\t16\n")
    assert trace.period == 2.0
    assert trace.bytes_by(1.0) == pytest.approx(1e6)
    assert trace.bytes_by(2.5) == pytest.approx(3e6 + 0.5e6)
    assert trace.time_for(trace.bytes_by(3.7)) == pytest.approx(3.7)
    with pytest.raises(ValueError):
        Trace([(0, 0)])


def test_steering_prefers_warm_then_unloaded_and_skips_unhealthy() -> None:
    edges = [
        EdgeStatus("http://a", healthy=True, in_flight=0),
        EdgeStatus("http://b", healthy=True, in_flight=2, holds_title=True),
        EdgeStatus("http://c", healthy=False, holds_title=True),
        EdgeStatus("http://d", healthy=True, in_flight=40),
    ]
    assert rank_edges(edges, "s1") == ["http://b", "http://a", "http://d"]
