"""The issue's "done when": ``main.py ingest`` publishes every clip in ../shared/media so that real clients
play it: ffprobe reads the master playlist and the MPD from a CDN edge and decodes every rendition, and
hls.js and dash.js in headless Chromium play the title to its end with no error event.

One real backend (``main.py serve`` with the encoding workflow on and one CDN edge) for the module; the
four clips are ingested concurrently through the command line, each with the default settings (fixed
ladder, H.264, default segment length), and fetched as a player does: ``playback/start``'s signed edge
URLs. Encode times are printed (``pytest -s``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

from ..conftest import REPO, SHARED, TEST_TOKEN
from ..orphans import processes_mentioning
from .browser import Player, package_problems, play
from .ffmpeg_cli import FFMPEG_MISSING, check_dash, check_hls
from .server import Harness

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1800),  # the module's four ladder encodes run inside the first test's fixture
    pytest.mark.skipif(FFMPEG_MISSING, reason="ffprobe not installed"),
]
CLIPS = sorted(p.name for p in (SHARED / "media").glob("*.mp4"))
INGEST_TIMEOUT_S = 1500


class Backend(NamedTuple):
    url: str
    data: Path


class Published(NamedTuple):
    """Where a player gets one ingested title: signed edge URLs and the package's own index.json."""

    hls: str
    dash: str
    index: dict[str, Any]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """``main.py serve`` with the encoding workflow on, one CDN edge and no demo encodes competing."""
    data = tmp_path_factory.mktemp("clients-data")
    port_file = data / "port"
    env = {
        **os.environ,
        "MARQUEE_WORKFLOW_ENABLED": "true",
        "MARQUEE_DEMO_PLAYABLE": "0",
        "MARQUEE_DEMO_TITLES": "20",
        "MARQUEE_CDN_EDGES": "1",
        "MARQUEE_CONTENT_TOKEN": TEST_TOKEN,
    }
    command = [sys.executable, str(REPO / "main.py"), "serve", "--data", str(data)]
    command += ["--port", "0", "--port-file", str(port_file)]
    with (data.parent / "serve.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "the backend did not start"
            if port_file.exists():
                url = f"http://127.0.0.1:{json.loads(port_file.read_text())['port']}"
                try:
                    if "encoding" in httpx.get(f"{url}/api/v1/version", timeout=2).json()["capabilities"]:
                        break
                except (httpx.TransportError, ValueError):
                    pass
            time.sleep(0.2)
        yield Backend(url, data)
    finally:
        process.terminate()
        process.wait(60)
    assert processes_mentioning(str(data)) == [], "processes outlived main.py serve"


@pytest.fixture(scope="module")
def published(backend: Backend) -> dict[str, Published]:
    """Every clip ingested with ``main.py ingest ... --json`` (all at once), then opened for playback."""
    started = time.monotonic()
    ingests = {
        clip: subprocess.Popen(
            [sys.executable, str(REPO / "main.py"), "ingest", str(SHARED / "media" / clip)]
            + ["--title", Path(clip).stem, "--json", "--backend", backend.url, "--token", TEST_TOKEN],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for clip in CLIPS
    }
    summaries = {}
    for clip, process in ingests.items():
        stdout, stderr = process.communicate(timeout=INGEST_TIMEOUT_S)
        assert process.returncode == 0, f"{clip}: {stderr[-2000:]}"
        summaries[clip] = json.loads(stdout.strip().splitlines()[-1])
        assert summaries[clip]["status"] == "PLAYABLE", summaries[clip]
    print(f"\n[clients] {len(CLIPS)} clips ingested concurrently in {time.monotonic() - started:.0f} s")
    profile = httpx.get(f"{backend.url}/api/v1/profiles").json()[0]["profileId"]
    published = {}
    for clip, summary in summaries.items():
        body = {"titleId": summary["titleId"], "profileId": profile}
        response = httpx.post(f"{backend.url}/api/v1/playback/start", json=body)
        assert response.status_code == 200, response.text
        session = response.json()
        hls = session["manifestUrl"]
        index = httpx.get(f"{hls.rsplit('/', 1)[0]}/index.json").raise_for_status().json()
        published[clip] = Published(hls, session["dashManifestUrl"], index)
    return published


@pytest.mark.parametrize("clip", CLIPS)
def test_ffmpeg_reads_both_manifests_and_decodes_every_rendition(
    clip: str, published: dict[str, Published]
) -> None:
    title = published[clip]
    assert len([r for r in title.index["renditions"] if r["kind"] == "video"]) >= 2  # a real ladder
    check_hls(title.hls, title.index)
    check_dash(title.dash, title.index)


@pytest.mark.parametrize("player", ["hls", "dash"])
@pytest.mark.parametrize("clip", CLIPS)
def test_web_player_plays_the_title_to_its_end(
    clip: str, player: Player, published: dict[str, Published], web_harness: Harness
) -> None:
    """ABR, then every rendition alone: each to `ended` with no error event and every segment fetched."""
    title = published[clip]
    runs = play(web_harness, player, title.hls if player == "hls" else title.dash)
    assert package_problems(runs, title.index) == []
