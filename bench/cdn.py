"""CDN edge benchmark: cache-hit throughput against nginx, and LFU-DA vs LRU hit ratio.

1. Throughput: 2 MB segments already in an edge's cache, fetched by wrk over loopback with a bounded
   number of connections, next to nginx serving the same files from disk in the same run.
2. Hit ratio: the edge's own cache index (``CacheIndex``) under LFU-DA and under LRU at equal
   capacity, replaying a Zipf stream over a few hundred titles whose popularity shifts every day,
   next to the static oracle (each day's true top objects pinned), which bounds any replacement
   policy that cannot see the future.

Run: ``python -m bench cdn [--seconds S] [--connections C] [--skip-throughput] [--skip-hit-ratio]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from app.backend.cdn.cache import CacheIndex
from app.backend.cdn.policy import create_policy
from app.backend.cdn.supervisor import ManagedServer
from bench._net import free_port, wait_until
from bench._wrk import LoadResult, run_wrk, wrk_available

SEGMENT_BYTES = 2 * 1000 * 1000


# --- throughput ----------------------------------------------------------------------------------


def _nginx(root: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """nginx (one worker, sendfile) serving ``root``; returns the process and its port."""
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    conf = workdir / "nginx.conf"
    conf.write_text(
        textwrap.dedent(
            f"""
            {user}
            worker_processes 1;
            daemon off;
            pid {workdir}/nginx.pid;
            error_log {workdir}/nginx-error.log warn;
            events {{ worker_connections 1024; }}
            http {{
              access_log off;
              sendfile on;
              tcp_nopush on;
              keepalive_requests 1000000;
              client_body_temp_path {workdir}/body;
              proxy_temp_path {workdir}/proxy;
              fastcgi_temp_path {workdir}/fastcgi;
              uwsgi_temp_path {workdir}/uwsgi;
              scgi_temp_path {workdir}/scgi;
              server {{
                listen 127.0.0.1:{port};
                root {root};
              }}
            }}
            """
        )
    )
    process = subprocess.Popen(["nginx", "-p", str(workdir), "-c", str(conf)], stderr=subprocess.DEVNULL)
    return process, port


def throughput(seconds: int, connections: int, files: int, rounds: int) -> list[tuple[str, LoadResult]]:
    """Best-of-``rounds`` wrk runs per server, alternating servers so load from elsewhere hits all alike."""
    import httpx

    work = Path(tempfile.mkdtemp(prefix="bench-cdn-"))
    servers: list[ManagedServer] = []
    nginx: subprocess.Popen[bytes] | None = None
    try:
        media = work / "media"
        paths = [f"/titles/bench/v1/seg_{i:05d}.m4s" for i in range(files)]
        for path in paths:
            target = media / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(os.urandom(SEGMENT_BYTES))
        origin = ManagedServer("origin", ["origin", "--media-root", str(media)])
        origin.start()
        servers.append(origin)
        targets: dict[str, str] = {}
        for kind in ("granian", "uvicorn"):
            if kind == "granian" and importlib.util.find_spec("granian") is None:
                print("granian is not installed: the edge runs on uvicorn only (pip install granian)")
                continue
            args = ["edge", "--upstream", origin.url, "--cache-dir", str(work / kind), "--capacity", "1G"]
            edge = ManagedServer(kind, [*args, "--server", kind])
            edge.start()
            servers.append(edge)
            for path in paths:
                httpx.get(edge.url + path).raise_for_status()  # every measured request is a cache hit
            targets[f"edge hit, {kind} (1 proc)"] = edge.url
        nginx, port = _nginx(media, work)
        nginx_url = f"http://127.0.0.1:{port}"
        wait_until(lambda: httpx.get(nginx_url + paths[0]).status_code == 200)
        targets = {"nginx (sendfile, 1 worker)": nginx_url, **targets}
        best: dict[str, LoadResult] = {}
        for _ in range(rounds):
            for label, url in targets.items():
                result = run_wrk(url, seconds, connections, paths)
                if label not in best or result.requests_per_s > best[label].requests_per_s:
                    best[label] = result
        for server in servers[1:]:
            if httpx.get(server.url + "/metrics").json()["misses"] != len(paths):
                raise RuntimeError("an edge fetched upstream during the measurement")
        return list(best.items())
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait()
        for server in reversed(servers):
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


# --- hit ratio -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """A Zipf stream over titles × segments whose title ranking partly reshuffles every day."""

    titles: int = 300
    segments: int = 30
    days: int = 5
    requests_per_day: int = 30_000
    alpha: float = 0.8
    daily_shift: float = 0.2
    mean_watch_segments: float = 10.0
    seed: int = 7

    def days_of_requests(self) -> list[tuple[list[str], dict[str, float]]]:
        """Per day: the requests and each object's true request probability that day."""
        rng = random.Random(self.seed)
        ranking = list(range(self.titles))
        rng.shuffle(ranking)
        title_w = [1 / (rank + 1) ** self.alpha for rank in range(self.titles)]
        seg_w = [(1 - 1 / self.mean_watch_segments) ** s for s in range(self.segments)]
        total = sum(title_w) * sum(seg_w)
        days = []
        for _ in range(self.days):
            moved = rng.sample(range(self.titles), int(self.daily_shift * self.titles))
            shuffled = [ranking[i] for i in moved]
            rng.shuffle(shuffled)
            for i, title in zip(moved, shuffled, strict=True):
                ranking[i] = title
            ranks = rng.choices(range(self.titles), title_w, k=self.requests_per_day)
            segs = rng.choices(range(self.segments), seg_w, k=self.requests_per_day)
            requests = [f"{ranking[r]}/{s}" for r, s in zip(ranks, segs, strict=True)]
            probability = {
                f"{ranking[r]}/{s}": title_w[r] * seg_w[s] / total
                for r in range(self.titles)
                for s in range(self.segments)
            }
            days.append((requests, probability))
        return days


def hit_ratio(policy: str, capacity: int, days: list[tuple[list[str], dict[str, float]]]) -> float:
    """Hit ratio of the real cache index over all days but the first (warm-up)."""
    index = CacheIndex(capacity, create_policy(policy))
    hits = counted = 0
    for day, (requests, _) in enumerate(days):
        for key in requests:
            hit = index.hit(key)
            if not hit:
                index.make_room(1)
                index.add(key, 1)
            if day:
                hits += hit
                counted += 1
    return hits / counted


def oracle_hit_ratio(capacity: int, days: list[tuple[list[str], dict[str, float]]]) -> float:
    """Expected hit ratio with each day's truly most popular objects pinned (warm days only)."""
    per_day = [sum(sorted(p.values(), reverse=True)[:capacity]) for _, p in days[1:]]
    return sum(per_day) / len(per_day)


# --- report --------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench cdn", description=__doc__)
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per server and round")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best one counts")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--files", type=int, default=16, help="distinct 2 MB segments")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-hit-ratio", action="store_true")
    args = parser.parse_args(argv)

    if not args.skip_throughput:
        if not wrk_available() or shutil.which("nginx") is None:
            print("throughput: skipped (needs wrk and nginx: apt-get install wrk nginx-light)")
        else:
            results = throughput(args.seconds, args.connections, args.files, args.rounds)
            reference = results[0][1]
            print(
                f"\nCache-hit throughput, 2 MB segments, {args.connections} connections, "
                f"best of {args.rounds} x {args.seconds} s per server"
            )
            print(f"{'server':<30}{'req/s':>10}{'MB/s':>10}{'p99 ms':>10}{'req/s vs nginx':>16}")
            for name, r in results:
                ratio = r.requests_per_s / reference.requests_per_s
                print(
                    f"{name:<30}{r.requests_per_s:>10.1f}{r.mbytes_per_s:>10.1f}{r.p99_ms:>10.2f}{ratio:>15.2f}x"
                )

    if not args.skip_hit_ratio:
        workload = Workload()
        days = workload.days_of_requests()
        objects = workload.titles * workload.segments
        print(
            f"\nHit ratio: Zipf a={workload.alpha}, {workload.titles} titles x {workload.segments} segments, "
            f"{int(workload.daily_shift * 100)}% of titles re-ranked daily, {workload.days} days "
            f"x {workload.requests_per_day} requests (first day = warm-up)"
        )
        print(f"{'capacity':<18}{'LRU':>8}{'LFU-DA':>8}{'points':>8}{'LFU-DA/LRU':>12}{'oracle':>8}")
        for fraction in (0.02, 0.05, 0.10):
            capacity = int(objects * fraction)
            lru, lfu = hit_ratio("lru", capacity, days), hit_ratio("lfu-da", capacity, days)
            oracle = oracle_hit_ratio(capacity, days)
            label = f"{capacity} ({fraction:.0%})"
            gain = f"{(lfu - lru) * 100:>8.1f}{lfu / lru:>11.2f}x"
            print(f"{label:<18}{lru:>8.3f}{lfu:>8.3f}{gain}{oracle:>8.3f}")
    return 0
