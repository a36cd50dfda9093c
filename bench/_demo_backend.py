"""A real backend for the end-to-end benchmarks: ``main.py serve`` with CDN edges and encoded demo titles."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench._net import free_port, wait_until

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def demo_backend(playable: int, edges: int = 3) -> Iterator[tuple[str, list[str], Path]]:
    """(base URL, ids of ``playable`` demo titles, data dir) once they are published; gone on exit."""
    with tempfile.TemporaryDirectory(prefix="marquee-bench-") as scratch:
        yield from _serve(Path(scratch), playable, edges)


def _serve(data: Path, playable: int, edges: int) -> Iterator[tuple[str, list[str], Path]]:
    port = free_port()
    backend = subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), "serve", "--port", str(port), "--data", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MARQUEE_DEMO_PLAYABLE": str(playable), "MARQUEE_CDN_EDGES": str(edges)},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: httpx.get(f"{url}/api/v1/health").status_code == 200, 120)
        yield url, _wait_for_playable(data / "marquee.db", playable), data
    finally:
        backend.terminate()
        backend.wait()


def _wait_for_playable(database: Path, count: int, timeout_s: float = 600) -> list[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if database.exists():
            with sqlite3.connect(database) as db:
                rows = db.execute("select id from titles where status = 'PLAYABLE' order by id").fetchall()
            if len(rows) >= count:
                return [r[0] for r in rows[:count]]
        time.sleep(0.5)
    raise TimeoutError(f"fewer than {count} demo titles became playable")
