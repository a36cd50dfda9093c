"""Backend benchmark: home-page load and sustained heartbeat writes into SQLite.

    python -m bench api [--seconds 10] [--connections 32]

1. Home page: ``main.py serve`` (our real backend, one worker) under a wrk load on loopback,
   against a bare ASGI app on the same uvicorn returning the same bytes (the reference).
2. Heartbeats: two writer processes flush batches through our HeartbeatWriter into one SQLite
   WAL database, against one commit per heartbeat (the naive reference).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import insert

from app.backend.db.engine import make_engine
from app.backend.db.migrate import upgrade_to_head
from app.backend.db.models import Account, PlaybackSession, Profile, Title, TitleKind
from app.backend.playback.heartbeats import Heartbeat, HeartbeatWriter
from bench._net import free_port, wait_until
from bench._table import print_table
from bench._wrk import LoadResult, run_wrk, wrk_available

REPO = Path(__file__).resolve().parents[1]
SESSIONS_PER_WRITER = 2_000
BATCH = 500


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench api")
    parser.add_argument("--seconds", type=int, default=10, help="load duration per server (max 20)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--heartbeat-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    seconds = min(args.seconds, 20)
    with tempfile.TemporaryDirectory(prefix="marquee-bench-") as scratch:
        home = bench_home_page(Path(scratch), seconds, args.connections)
        beats = bench_heartbeats(Path(scratch), args.heartbeat_seconds)
    if home:
        ours, reference = home
        print(
            f"\nHome page, {seconds} s of wrk -c{args.connections} on loopback"
            " (target: ≥ 5,000 req/s, p99 < 10 ms)"
        )
        print_table(
            ["server", "req/s", "p50 ms", "p99 ms", "req/s vs reference"],
            [
                [
                    "bare ASGI, same bytes (reference)",
                    reference.requests_per_s,
                    reference.p50_ms,
                    reference.p99_ms,
                    1.0,
                ],
                [
                    "GET /api/v1/browse/home",
                    ours.requests_per_s,
                    ours.p50_ms,
                    ours.p99_ms,
                    ours.requests_per_s / reference.requests_per_s,
                ],
            ],
        )
    batched, naive = beats
    print(f"\nHeartbeats into SQLite (WAL), {args.heartbeat_seconds:.0f} s (target: ≥ 10,000/s)")
    print_table(
        ["writer", "heartbeats/s", "vs reference"],
        [
            ["1 process, one commit per heartbeat (reference)", naive, 1.0],
            [f"2 processes, HeartbeatWriter batches of {BATCH}", batched, batched / naive],
        ],
    )
    return 0


# --- home page ---------------------------------------------------------------------------------


def bench_home_page(scratch: Path, seconds: int, connections: int) -> tuple[LoadResult, LoadResult] | None:
    if not wrk_available():
        print("home page: skipped, wrk is not installed (apt-get install wrk)")
        return None
    port = free_port()
    backend = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "main.py"),
            "serve",
            "--port",
            str(port),
            "--data",
            str(scratch / "data"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # The API alone: no demo encodes or CDN tiers competing for the two cores during the load.
        env={**os.environ, "MARQUEE_DEMO_PLAYABLE": "0", "MARQUEE_CDN_EDGES": "0"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/api/v1/browse/home?profileId=alex"
        # Ready, and the start-up recommender fit done: the page then carries the personal rows.
        wait_until(lambda: any(row["rowId"] == "top-picks" for row in httpx.get(url).json()["rows"]))
        body = httpx.get(url).content
        ours = run_wrk(url, seconds, connections)
    finally:
        backend.terminate()
        backend.wait()
    body_file = scratch / "home.json"
    body_file.write_bytes(body)
    ref_port = free_port()
    reference = subprocess.Popen(
        [sys.executable, "-m", "bench._reference_server", str(ref_port), str(body_file)],
        cwd=REPO,
    )
    try:
        ref_url = f"http://127.0.0.1:{ref_port}/"
        wait_until(lambda: httpx.get(ref_url).status_code == 200)
        baseline = run_wrk(ref_url, seconds, connections)
    finally:
        reference.terminate()
        reference.wait()
    return ours, baseline


# --- heartbeats --------------------------------------------------------------------------------


def bench_heartbeats(scratch: Path, seconds: float) -> tuple[float, float]:
    url = f"sqlite:///{scratch / 'heartbeats.db'}"
    sessions = _seed_sessions(url, writers=2)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        counts = pool.starmap(_write_batches, [(url, sessions[i], seconds) for i in range(2)])
    batched = sum(counts) / seconds
    naive = _write_one_by_one(url, sessions[0], seconds / 2)
    return batched, naive


def _seed_sessions(url: str, writers: int) -> list[list[str]]:
    engine = make_engine(url)
    upgrade_to_head(engine)
    ids = [[uuid.uuid4().hex for _ in range(SESSIONS_PER_WRITER)] for _ in range(writers)]
    with engine.begin() as connection:
        connection.execute(insert(Account), [{"id": "bench", "name": "bench", "created_at": 0.0}])
        connection.execute(
            insert(Profile),
            [
                {
                    "id": "p",
                    "account_id": "bench",
                    "name": "p",
                    "maturity": 18,
                    "region": "US",
                    "created_at": 0.0,
                }
            ],
        )
        connection.execute(
            insert(Title),
            [
                {
                    "id": "t",
                    "kind": TitleKind.MOVIE,
                    "name": "t",
                    "synopsis": "",
                    "maturity_rating": 0,
                    "duration_s": 0.0,
                    "popularity": 0.0,
                    "status": "PLAYABLE",
                    "created_at": 0.0,
                }
            ],
        )
        connection.execute(
            insert(PlaybackSession),
            [
                {
                    "id": sid,
                    "profile_id": "p",
                    "title_id": "t",
                    "device_type": "bench",
                    "preferred_quality": "auto",
                    "state": "ACTIVE",
                    "started_at": 0.0,
                    "last_heartbeat_at": 0.0,
                    "position_s": 0.0,
                    "bitrate_kbps": 0,
                    "buffer_s": 0.0,
                    "heartbeat_count": 0,
                }
                for group in ids
                for sid in group
            ],
        )
    engine.dispose()
    return ids


def _beats(session_ids: list[str], start: int) -> list[tuple[Heartbeat, int]]:
    now = time.time()
    return [
        (
            Heartbeat(
                session_ids[(start + i) % len(session_ids)], "p", "t", float(start + i), 2500, 10.0, now
            ),
            1,
        )
        for i in range(BATCH)
    ]


def _write_batches(url: str, session_ids: list[str], seconds: float) -> int:
    """One writer process: flush batches as fast as the database takes them (a worker under load)."""
    engine = make_engine(url)
    writer = HeartbeatWriter(engine)
    written, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        writer.write(_beats(session_ids, written))
        written += BATCH
    engine.dispose()
    return written


def _write_one_by_one(url: str, session_ids: list[str], seconds: float) -> float:
    engine = make_engine(url)
    writer = HeartbeatWriter(engine)
    written, started = 0, time.monotonic()
    while time.monotonic() - started < seconds:
        for beat in _beats(session_ids, written)[:50]:
            writer.write([beat])
            written += 1
    rate = written / (time.monotonic() - started)
    engine.dispose()
    return rate


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
