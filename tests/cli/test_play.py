"""``main.py play --headless`` as a user runs it: a real backend, real CDN edges, a real demo title."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.client.api import ApiClient
from app.config import load_settings
from app.player.engine.events import Download, EngineListener
from app.player.headless import HeadlessRequest, play_headless

from ..conftest import REPO

DEMO_FRAMES = 16 * 24


def _main(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or dict(os.environ),
        cwd=REPO,
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """A backend with three CDN edges and one demo title really encoded: (url, title id, database)."""
    data = tmp_path_factory.mktemp("play-data")
    port_file = data / "port"
    env = {**os.environ, "MARQUEE_DEMO_PLAYABLE": "1", "MARQUEE_DEMO_TITLES": "40", "MARQUEE_CDN_EDGES": "3"}
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "main.py"),
            "serve",
            "--data",
            str(data),
            "--port",
            "0",
            "--port-file",
            str(port_file),
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        database = data / "marquee.db"
        deadline = time.monotonic() + 180
        title = None
        while title is None:
            assert time.monotonic() < deadline and process.poll() is None, "no demo title became playable"
            time.sleep(0.5)
            if port_file.exists() and database.exists():
                title = _playable(database)
        yield f"http://127.0.0.1:{json.loads(port_file.read_text())['port']}", title, database
    finally:
        process.terminate()
        process.wait(30)


def _playable(database: Path) -> str | None:
    with sqlite3.connect(database) as db:
        row = db.execute("select id from titles where status = 'PLAYABLE' limit 1").fetchone()
    return row[0] if row else None


def test_headless_play_prints_the_qoe_summary_and_reports_it(served: tuple[str, str, Path]) -> None:
    url, title, database = served
    result = _main("play", title, "--headless", "--json", "--from-start", "--speed", "4", "--backend", url)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(summary) >= {
        "startupMs",
        "rebufferCount",
        "rebufferSeconds",
        "avgBitrateKbps",
        "switches",
        "qoe",
    }
    assert summary["framesShown"] == DEMO_FRAMES and summary["error"] is None
    assert summary["rebufferCount"] == 0 and summary["startupMs"] > 0
    with sqlite3.connect(database) as db:
        kinds = {k for (k,) in db.execute("select type from events where title_id = ?", (title,))}
        (qoe,) = db.execute(
            "select payload from events where type = 'qoe' and title_id = ?", (title,)
        ).fetchone()
    assert {"play", "finish", "qoe"} <= kinds
    assert json.loads(qoe)["framesShown"] == DEMO_FRAMES
    profile = httpx.get(f"{url}/api/v1/profiles").json()[0]["profileId"]
    detail = httpx.get(f"{url}/api/v1/catalog/titles/{title}", params={"profileId": profile}).json()
    assert detail.get("resumePosition", 0) == 0  # finished: the next play starts from the beginning


def test_dash_over_a_shaped_network_profile(served: tuple[str, str, Path]) -> None:
    url, title, _ = served
    result = _main(
        "play",
        title,
        "--headless",
        "--json",
        "--from-start",
        "--format",
        "dash",
        "--network",
        "steady-cable",
        "--speed",
        "4",
        "--backend",
        url,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["framesShown"] == DEMO_FRAMES


def test_bad_requests_fail_with_one_line(served: tuple[str, str, Path]) -> None:
    url, title, _ = served
    missing = _main("play", "no-such-title", "--headless", "--backend", url)
    assert missing.returncode == 1 and missing.stderr.strip().splitlines()[-1].startswith("marquee: error:")
    windowed = _main("play", title, "--backend", url)
    assert windowed.returncode == 1 and "--headless" in windowed.stderr
    network = _main("play", title, "--headless", "--network", "moon-link", "--backend", url)
    assert network.returncode == 1 and "unknown network 'moon-link'" in network.stderr


class _BreakServingEdge(EngineListener):
    """Makes (chaos API) the edge that served segment 1 fail every request, then notes who serves next.

    Failing requests rather than killing the process: the supervisor restarts a killed edge on the same
    port within milliseconds, which would make "another edge served it" a race.
    """

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.names = {s["url"].rstrip("/"): s["name"] for s in client.cdn_servers() if s["role"] == "edge"}
        self.killed: str | None = None
        self.after: list[str] = []

    def on_download(self, download: Download) -> None:
        edge = "/".join(download.edge.split("/")[:3])
        if self.killed is None and download.index == 1 and not download.abandoned:
            self.killed = edge
            self.client.inject_faults(self.names[edge], {"failRatio": 1.0})
        elif self.killed is not None:
            self.after.append(edge)


def test_an_edge_failing_mid_playback_is_left_without_a_rebuffer(served: tuple[str, str, Path]) -> None:
    url, title, database = served
    token = load_settings(data_dir=database.parent).resolved_content_token
    with ApiClient(url, token=token) as client:
        watcher = _BreakServingEdge(client)
        summary = play_headless(client, HeadlessRequest(title, from_start=True, speed=2.0), listener=watcher)
    assert watcher.killed is not None and watcher.after
    assert watcher.after[0] != watcher.killed  # the next segment came from another edge
    assert summary.error is None and summary.rebuffer_count == 0 and summary.frames_shown == DEMO_FRAMES
