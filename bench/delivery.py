"""Delivery under stress, end to end on loopback: a flash crowd, and an edge killed mid-playback.

1. Flash crowd: ``--viewers`` clients start a newly published title at the same instant (each has opened
   its session; then master and media playlists, init and first segment from its best edge).  Once
   on a title nobody has watched (edges cold: every miss goes hub → origin, coalesced), once on a
   title the pre-positioning job pushed to the edges beforehand.  Reported: origin egress and first-segment
   latency; the cold run is the reference.
2. Failover: a real headless playback whose edge is killed (SIGKILL) after the second segment.
   Reported: how long until a segment arrived from another edge, against the 3 s segment deadline,
   and the rebuffers it caused.

    python -m bench delivery [--viewers 40]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

import httpx

from app.client.api import ApiClient
from app.config import load_settings
from app.player.engine.events import Download, EngineListener
from app.player.headless import HeadlessRequest, play_headless
from bench._demo_backend import demo_backend
from bench._table import print_table

SEGMENT_DEADLINE_S = 3.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench delivery")
    parser.add_argument("--viewers", type=int, default=40)
    args = parser.parse_args(argv)
    with demo_backend(playable=3) as (url, (cold, warm, replay), data):
        token = load_settings(data_dir=data).resolved_content_token
        with ApiClient(url, token=token) as client:
            without = _flash_crowd(client, cold, args.viewers)
            client.preposition()  # new releases are predicted popular: pushed to every edge
            with_push = _flash_crowd(client, warm, args.viewers)
            failover = _failover(client, replay)
    print(f"Flash crowd: {args.viewers} viewers start a new title at once (3 edges, 1 hub, 1 origin)")
    rows = []
    for label, crowd in (("no pre-positioning (reference)", without), ("pre-positioned", with_push)):
        ratio = crowd.origin_bytes / without.origin_bytes if without.origin_bytes else 0.0
        rows.append([label, crowd.origin_bytes / 1e6, f"{ratio:.2f}x", *_percentiles(crowd.latencies_ms)])
    print_table(["run", "origin egress MB", "egress vs reference", "first segment p50 ms", "p95 ms"], rows)
    print(
        f"\nFailover: edge killed after segment {failover.killed_after}; next segment from "
        f"{failover.recovered_edge} {failover.switch_ms:.0f} ms later "
        f"(deadline {SEGMENT_DEADLINE_S * 1000:.0f} ms), "
        f"{failover.rebuffers} rebuffers, {failover.frames} frames shown, error: {failover.error}"
    )
    return 0


class _Crowd:
    def __init__(self, latencies_ms: list[float], origin_bytes: int) -> None:
        self.latencies_ms = latencies_ms
        self.origin_bytes = origin_bytes


def _flash_crowd(client: ApiClient, title: str, viewers: int) -> _Crowd:
    profile = client.profiles()[0]["profileId"]
    before = _origin_bytes(client)
    gate = threading.Barrier(viewers)

    def viewer(_: int) -> float:
        with httpx.Client(timeout=30) as http:
            answer = http.post(
                f"{client.base_url}/api/v1/playback/start", json={"titleId": title, "profileId": profile}
            ).json()
            master_url = answer["manifestUrl"]
            gate.wait()  # sessions open, signed URLs in hand: now everyone hits the edges at once
            started = time.perf_counter()
            master = http.get(master_url).text
            media_url = urljoin(
                master_url, next(line for line in master.splitlines() if line.endswith(".m3u8"))
            )
            playlist = http.get(media_url).text
            lines = [line for line in playlist.splitlines() if line and not line.startswith("#")]
            init = next(line.split('"')[1] for line in playlist.splitlines() if line.startswith("#EXT-X-MAP"))
            http.get(urljoin(media_url, init)).raise_for_status()
            http.get(urljoin(media_url, lines[0])).raise_for_status()
            return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(viewers) as pool:
        latencies = list(pool.map(viewer, range(viewers)))
    return _Crowd(latencies, _origin_bytes(client) - before)


def _origin_bytes(client: ApiClient) -> int:
    origin = next(s for s in client.cdn_servers() if s["role"] == "origin")
    return sum(origin["metrics"].get("bytesServed", {}).values())


class _Failover(EngineListener):
    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.names = {s["url"].rstrip("/"): s["name"] for s in client.cdn_servers() if s["role"] == "edge"}
        self.killed_at: float | None = None
        self.killed_after = 1
        self.switch_ms = float("nan")
        self.recovered_edge = "-"
        self.rebuffers = 0
        self.frames = 0
        self.error: str | None = None

    def on_download(self, download: Download) -> None:
        if download.abandoned:
            return
        if self.killed_at is None and download.index == self.killed_after:
            self.killed_at = time.perf_counter()
            self.client.kill_server(self.names[_origin_of(download.edge)])
        elif self.killed_at is not None and self.recovered_edge == "-":
            self.switch_ms = (time.perf_counter() - self.killed_at) * 1000
            self.recovered_edge = self.names.get(_origin_of(download.edge), download.edge)


def _origin_of(edge_url: str) -> str:
    return "/".join(edge_url.split("/")[:3])


def _failover(client: ApiClient, title: str) -> _Failover:
    watcher = _Failover(client)
    summary = play_headless(client, HeadlessRequest(title, from_start=True), listener=watcher)
    watcher.rebuffers, watcher.frames, watcher.error = (
        summary.rebuffer_count,
        summary.frames_shown,
        summary.error,
    )
    return watcher


def _percentiles(values: list[float]) -> list[float]:
    ordered = sorted(values)
    return [statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]]
