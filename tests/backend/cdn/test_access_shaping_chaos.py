"""Signed URLs, trace shaping and injected faults on real edge processes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.backend.cdn import signing
from app.backend.cdn.shaping import Trace

if TYPE_CHECKING:
    from conftest import Spawn, Tier

SIGNING_KEY = b"test-signing-key"


@pytest.fixture(scope="module")
def signed_edge(spawn: Spawn, origin: Tier, tmp_path_factory: pytest.TempPathFactory) -> Tier:
    cache = tmp_path_factory.mktemp("signed-edge")
    args = ["--upstream", origin.url, "--cache-dir", str(cache), "--capacity", "8M", "--require-signature"]
    return spawn("edge", *args, env={"MARQUEE_CDN_SIGNING_KEY": SIGNING_KEY.decode()})


def test_signed_urls(signed_edge: Tier, publish: Callable, raw_get: Callable) -> None:
    key = publish(5_000, title="signed-42")
    other = publish(5_000, title="signed-43")
    prefix, exp = "titles/signed-42/", int(time.time()) + 600
    token = signing.sign(prefix, "sess-1", exp, SIGNING_KEY)
    get = signed_edge.client.get

    def query(key: str, sid: str = "sess-1", exp: int = exp, token: str = token) -> int:
        return get(f"/{key}", params={"sid": sid, "exp": exp, "token": token}).status_code

    assert query(key) == 200
    base = signing.signed_path(prefix, "sess-1", exp, SIGNING_KEY)
    assert get(base + "seg.m4s").status_code == 200  # the path form, as relative URLs resolve it
    assert get(f"/{key}").status_code == 403  # missing
    assert query(other) == 403  # another title
    assert query(key, sid="sess-2") == 403  # another session
    assert query(key, token=token[:-2] + "AA") == 403  # forged
    assert query(key, exp=exp + 1) == 403  # expiry tampered with
    expired = int(time.time()) - 1
    assert query(key, exp=expired, token=signing.sign(prefix, "sess-1", expired, SIGNING_KEY)) == 403
    assert raw_get(signed_edge.port, f"/s/sess-1/{exp}/{token}/../{other}")[0] == 400
    assert signed_edge.metrics()["rejected"] >= 6


def test_shaped_delivery_follows_the_trace(edge: Tier, publish: Callable) -> None:
    samples = [(0.0, 4.0), (0.5, 12.0), (1.0, 6.0)]  # loops every 1.5 s
    assert edge.admin("POST", "shape", {"profile": "wobbly", "trace": samples}).status_code == 200
    trace = Trace(samples)
    size = int(trace.bytes_by(2.5))  # about 2.5 s of trace
    key = publish(size)
    edge.client.get(f"/{key}")  # fill the cache first: measure delivery, not the upstream
    started = time.monotonic()
    response = httpx.get(f"{edge.url}/{key}", headers={"x-marquee-shape": "wobbly"}, timeout=20)
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and len(response.content) == size
    delivered_mbps, trace_mbps = size * 8 / elapsed / 1e6, size * 8 / trace.time_for(size) / 1e6
    assert delivered_mbps == pytest.approx(trace_mbps, rel=0.12)


def test_session_assignment_and_bandwidth_cap_slow_delivery_down(edge: Tier, publish: Callable) -> None:
    """Lower bounds only: a loaded machine can make delivery slower, never faster than the limit."""
    key = publish(250_000)
    edge.client.get(f"/{key}")
    edge.admin("POST", "shape", {"profile": "flat-2", "trace": [[0, 2.0]]})
    assert edge.admin("POST", "shape", {"sid": "viewer-7", "profile": "flat-2"}).json()["assignments"] == {
        "viewer-7": "flat-2"
    }
    started = time.monotonic()
    assert len(edge.client.get(f"/{key}", params={"sid": "viewer-7"}).content) == 250_000
    assert time.monotonic() - started >= 0.8 * (250_000 - 64 * 1024) * 8 / 2e6
    edge.admin("POST", "shape", {"sid": "viewer-7", "profile": None})

    edge.admin("POST", "faults", {"bandwidthMbps": 2.0})
    try:
        started = time.monotonic()
        assert len(edge.client.get(f"/{key}").content) == 250_000
        assert time.monotonic() - started >= 0.8 * (250_000 - 64 * 1024) * 8 / 2e6
    finally:
        edge.admin("DELETE", "faults")


def test_unknown_shaping_profile_is_refused(edge: Tier, publish: Callable) -> None:
    key = publish(1_000)
    assert edge.client.get(f"/{key}", params={"shape": "nope"}).status_code == 400


def test_admin_needs_the_token(edge: Tier) -> None:
    assert edge.client.post("/admin/kill").status_code == 401
    wrong = {"authorization": "Bearer wrong"}
    assert edge.client.post("/admin/faults", json={"failRatio": 1}, headers=wrong).status_code == 401
    assert edge.admin("POST", "faults", {"failRatio": 2}).status_code == 400
    assert edge.admin("POST", "faults", {"bogus": 1}).status_code == 400
    assert edge.admin("GET", "faults").json()["failRatio"] == 0


def test_injected_failure_ratio(edge: Tier, publish: Callable) -> None:
    key = publish(1_000)
    edge.client.get(f"/{key}")
    assert edge.admin("POST", "faults", {"failRatio": 0.5}).status_code == 200
    try:
        statuses = [edge.client.get(f"/{key}").status_code for _ in range(200)]
        assert edge.client.get("/health").json()["faulty"] is True
    finally:
        edge.admin("DELETE", "faults")
    assert set(statuses) == {200, 503}
    assert 60 <= statuses.count(503) <= 140
    assert edge.client.get(f"/{key}").status_code == 200


def test_stall_mid_body_trips_the_client_timeout(edge: Tier, publish: Callable) -> None:
    key = publish(300_000)
    edge.client.get(f"/{key}")
    edge.admin("POST", "faults", {"stallAfterBytes": 100_000, "stallSeconds": 5})
    received = 0
    try:
        with (
            pytest.raises(httpx.ReadTimeout),
            httpx.stream("GET", f"{edge.url}/{key}", timeout=httpx.Timeout(10, read=0.5)) as response,
        ):
            for chunk in response.iter_raw():
                received += len(chunk)
    finally:
        edge.admin("DELETE", "faults")
    assert 0 < received < 300_000


def test_kill_exits_the_process(spawn: Spawn, origin: Tier, tmp_path: Path) -> None:
    victim = spawn("edge", "--upstream", origin.url, "--cache-dir", str(tmp_path), "--capacity", "1M")
    assert victim.admin("POST", "kill").status_code == 202
    assert victim.server.process.wait(timeout=10) != 0
    with pytest.raises(httpx.ConnectError):
        victim.client.get("/health")
