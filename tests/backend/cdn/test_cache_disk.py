"""The disk cache: eviction order, restart recovery, truncated upstream bodies and a full disk."""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import Spawn, Tier

OBJECT = 10_000


def _held(edge: Tier, key: str) -> bool:
    return edge.client.get("/has", params={"prefix": key}).json()["held"]


@pytest.mark.parametrize(("policy", "popular_survives"), [("lfu-da", True), ("lru", False)])
def test_popular_object_survives_a_scan_of_one_hit_objects(
    policy: str, popular_survives: bool, spawn: Spawn, origin: Tier, publish: Callable, tmp_path: Path
) -> None:
    edge = spawn(
        "edge", "--upstream", origin.url, "--cache-dir", str(tmp_path), "--capacity", str(5 * OBJECT),
        "--policy", policy,
    )  # fmt: skip
    popular = publish(OBJECT)
    tail = [publish(OBJECT) for _ in range(6)]
    for _ in range(6):
        assert edge.client.get(f"/{popular}").status_code == 200
    for key in tail:
        assert edge.client.get(f"/{key}").status_code == 200
    metrics = edge.metrics()
    assert metrics["usedBytes"] <= 5 * OBJECT and metrics["evictions"] == 2
    assert _held(edge, popular) is popular_survives
    assert _held(edge, tail[-1])


def test_restart_rebuilds_index_and_discards_partial_files(
    spawn: Spawn, origin: Tier, publish: Callable, tmp_path: Path
) -> None:
    edge = spawn("edge", "--upstream", origin.url, "--cache-dir", str(tmp_path), "--capacity", "1M")
    keys = [publish(OBJECT) for _ in range(3)]
    for key in keys + keys[:1]:
        edge.client.get(f"/{key}")
    edge.server.stop()  # graceful: popularity is saved
    assert json.loads((tmp_path / "popularity.json").read_text())[keys[0]] == 2
    partial = tmp_path / "tmp" / "interrupted.part"
    partial.write_bytes(b"half an object")

    edge.server.start()
    assert not partial.exists()
    assert edge.metrics()["objects"] == 3
    for key in keys:
        assert edge.client.get(f"/{key}").status_code == 200
    os.kill(edge.server.process.pid, signal.SIGKILL)  # a crash: nothing saved, index still on disk
    edge.server.process.wait()
    edge.server.start()
    for key in keys:
        assert edge.client.get(f"/{key}").status_code == 200
    metrics = edge.metrics()
    assert (metrics["hits"], metrics["misses"], metrics["upstreamFetches"]) == (3, 0, 0)


@pytest.fixture
def truncating_upstream() -> Iterator[tuple[str, list[int]]]:
    """An upstream that promises 1 MB and hangs up after 600 kB; yields its URL and request count."""
    listener = socket.create_server(("127.0.0.1", 0))
    requests: list[int] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                requests.append(1)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 600_000)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", requests
    listener.close()


def test_upstream_dying_mid_transfer_caches_nothing(
    spawn: Spawn, truncating_upstream: tuple[str, list[int]], tmp_path: Path
) -> None:
    url, requests = truncating_upstream
    edge = spawn("edge", "--upstream", url, "--cache-dir", str(tmp_path), "--capacity", "1M")
    for _ in range(2):
        assert edge.client.get("/titles/x/seg.m4s").status_code == 502
    assert len(requests) == 2  # nothing was cached, so the second request went upstream again
    metrics = edge.metrics()
    assert metrics["objects"] == 0 and metrics["upstreamErrors"] == 2
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "objects" / "titles").exists()


def test_full_disk_serves_through_without_caching(
    spawn: Spawn, origin: Tier, publish: Callable, tmp_path: Path
) -> None:
    key = publish(100_000)
    edge = spawn("edge", "--upstream", origin.url, "--cache-dir", str(tmp_path), "--capacity", "1M")
    # Files may not grow past 20 kB in the edge process: writes fail as on a full disk.
    resource.prlimit(edge.server.process.pid, resource.RLIMIT_FSIZE, (20_000, 20_000))
    expected = origin.client.get(f"/{key}").content
    for _ in range(2):
        response = edge.client.get(f"/{key}")
        assert response.status_code == 200 and response.content == expected
    ranged = edge.client.get(f"/{key}", headers={"range": "bytes=10-19"})
    assert ranged.status_code == 206 and ranged.content == expected[10:20]
    metrics = edge.metrics()
    assert metrics["objects"] == 0 and metrics["passthrough"] == 3
    assert edge.client.get("/health").json()["status"] == "ok"


def test_broken_pass_through_drops_the_connection_and_the_edge_stays_up(
    spawn: Spawn, truncating_upstream: tuple[str, list[int]], tmp_path: Path
) -> None:
    url, requests = truncating_upstream
    edge = spawn("edge", "--upstream", url, "--cache-dir", str(tmp_path), "--capacity", "1M")
    resource.prlimit(edge.server.process.pid, resource.RLIMIT_FSIZE, (20_000, 20_000))
    with pytest.raises(httpx.RemoteProtocolError):  # a short body, never a complete-looking wrong one
        edge.client.get("/titles/x/seg.m4s")
    assert len(requests) == 2  # the failed fill, then the pass-through
    assert edge.client.get("/health").json()["status"] == "ok"
    assert edge.metrics()["objects"] == 0
