"""Real clients play the package over HTTP: FFmpeg's HLS and DASH demuxers (Debian's ffprobe/ffmpeg),
and hls.js and dash.js in Debian's headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..clients.browser import Player, package_problems, play
from ..clients.ffmpeg_cli import FFMPEG_MISSING, check_dash, check_hls
from ..clients.server import Harness, serve_directory

pytestmark = pytest.mark.slow
needs_ffmpeg = pytest.mark.skipif(FFMPEG_MISSING, reason="ffprobe not installed")
MANIFESTS = {"hls": "master.m3u8", "dash": "manifest.mpd"}


@pytest.fixture(scope="module")
def origin(packaged: Path) -> Iterator[str]:
    """The package served by http.server on loopback, like a minimal origin."""
    with serve_directory(packaged) as url:
        yield url


@needs_ffmpeg
def test_ffmpeg_reads_the_master_playlist_and_decodes_every_rendition(origin: str, packaged: Path) -> None:
    check_hls(f"{origin}/master.m3u8", json.loads((packaged / "index.json").read_text()))


@needs_ffmpeg
def test_ffmpeg_reads_the_mpd_and_decodes_every_representation(origin: str, packaged: Path) -> None:
    check_dash(f"{origin}/manifest.mpd", json.loads((packaged / "index.json").read_text()))


@pytest.mark.parametrize("player", ["hls", "dash"])
def test_web_player_plays_every_rendition_to_the_end(
    player: Player, web_harness: Harness, origin: str, packaged: Path
) -> None:
    """ABR, then each rendition Chromium can decode alone: to `ended`, no error event, every segment."""
    index = json.loads((packaged / "index.json").read_text())
    runs = play(web_harness, player, f"{origin}/{MANIFESTS[player]}")
    assert package_problems(runs, index) == []
    kept = {r["codec"] for r in index["renditions"] if r["id"] in runs[0].rungs}
    assert {"h264", "av1"} <= kept  # Chromium decodes both in software; HEVC only with a hardware decoder
