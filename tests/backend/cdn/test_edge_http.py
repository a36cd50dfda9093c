"""An edge in front of an origin, over real HTTP: caching, coalescing, ranges, validators, traversal."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import Spawn, Tier


def _delta(before: dict, after: dict, name: str) -> int:
    return after[name] - before[name]


def test_second_request_is_a_hit_without_upstream_fetch(edge: Tier, origin: Tier, publish: Callable) -> None:
    key = publish(150_000)
    origin_before, before = origin.metrics(), edge.metrics()
    first = edge.client.get(f"/{key}")
    second = edge.client.get(f"/{key}")
    after = edge.metrics()
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == (origin.client.get(f"/{key}")).content
    assert _delta(before, after, "misses") == 1
    assert _delta(before, after, "hits") == 1
    assert _delta(before, after, "upstreamFetches") == 1
    assert origin.metrics()["requests"] - origin_before["requests"] == 2  # the fill + our direct check
    assert second.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert edge.client.get("/has", params={"prefix": key.rsplit("/", 1)[0] + "/"}).json()["held"] is True


def test_concurrent_misses_fetch_upstream_once(edge: Tier, origin: Tier, publish: Callable) -> None:
    key = publish(200_000)
    assert origin.admin("POST", "faults", {"latencyMs": 400}).status_code == 200
    try:
        before = edge.metrics()
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            bodies = list(pool.map(lambda _: httpx.get(f"{edge.url}/{key}", timeout=10).content, range(12)))
    finally:
        origin.admin("DELETE", "faults")
    after = edge.metrics()
    assert len(set(bodies)) == 1 and len(bodies[0]) == 200_000
    assert _delta(before, after, "upstreamFetches") == 1
    assert _delta(before, after, "coalesced") == 11


def test_range_head_and_etag(edge: Tier, publish: Callable) -> None:
    key = publish(10_000)
    full = edge.client.get(f"/{key}")
    etag = full.headers["etag"]

    part = edge.client.get(f"/{key}", headers={"range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == full.content[100:200]
    assert part.headers["content-range"] == "bytes 100-199/10000"

    suffix = edge.client.get(f"/{key}", headers={"range": "bytes=-10"})
    assert suffix.status_code == 206 and suffix.content == full.content[-10:]

    huge_end = edge.client.get(f"/{key}", headers={"range": "bytes=9990-99999999999999"})
    assert huge_end.status_code == 206 and huge_end.content == full.content[9990:]

    past_end = edge.client.get(f"/{key}", headers={"range": "bytes=20000-"})
    assert past_end.status_code == 416
    assert past_end.headers["content-range"] == "bytes */10000"

    inverted = edge.client.get(f"/{key}", headers={"range": "bytes=500-100"})
    assert inverted.status_code == 200 and inverted.content == full.content

    head = edge.client.head(f"/{key}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == "10000" and head.headers["etag"] == etag

    not_modified = edge.client.get(f"/{key}", headers={"if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_missing_objects_and_other_methods(edge: Tier) -> None:
    assert edge.client.get("/titles/none/seg.m4s").status_code == 404
    assert edge.client.post("/titles/none/seg.m4s").status_code == 405


TRAVERSALS = [
    "/../secret.txt",
    "/titles/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/titles/%2e%2e/%2e%2e/secret.txt",
    "/%252e%252e/secret.txt",
    "/..%2fsecret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/titles/%00/../../secret.txt",
    "//secret.txt",
    "/%2Fetc%2Fpasswd",
    "/.%2e/secret.txt",
    "/%c0%ae%c0%ae/secret.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_never_escapes(
    target: str, edge: Tier, origin: Tier, media_root: Path, raw_get: Callable[[int, str], tuple[int, bytes]]
) -> None:
    secret = media_root.parent / "secret.txt"
    secret.write_text("TOP-SECRET")
    for tier in (edge, origin):
        status, response = raw_get(tier.port, target)
        assert status in (400, 404), (tier.server.name, target, status)
        assert b"TOP-SECRET" not in response


def test_a_stalled_reader_does_not_block_others(edge: Tier, publish: Callable) -> None:
    big, small = publish(4_000_000), publish(1_000)
    edge.client.get(f"/{big}")
    with httpx.stream("GET", f"{edge.url}/{big}") as stalled:  # headers read, body left unread
        assert stalled.status_code == 200
        for _ in range(5):
            assert httpx.get(f"{edge.url}/{small}", timeout=5).status_code == 200


def test_uvicorn_fallback_serves_alike(spawn: Spawn, origin: Tier, publish: Callable, tmp_path: Path) -> None:
    """The edge without granian (chunked sends through Python) behaves the same."""
    edge = spawn(
        "edge",
        "--upstream",
        origin.url,
        "--cache-dir",
        str(tmp_path),
        "--capacity",
        "8M",
        "--server",
        "uvicorn",
    )
    key = publish(3_000_000)
    full = edge.client.get(f"/{key}")
    assert full.content == edge.client.get(f"/{key}").content == origin.client.get(f"/{key}").content
    part = edge.client.get(f"/{key}", headers={"range": "bytes=1048570-1048580"})
    assert part.status_code == 206 and part.content == full.content[1048570:1048581]
    assert edge.client.head(f"/{key}").headers["content-length"] == "3000000"
    metrics = edge.metrics()
    assert (metrics["misses"], metrics["hits"], metrics["bytesServed"]["hit"]) == (1, 3, 3_000_011)
