"""A real client (FFmpeg's HLS and DASH demuxers, via Debian's ffprobe/ffmpeg) plays the package over HTTP."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("ffprobe") and shutil.which("ffmpeg")), reason="ffprobe not installed"
    ),
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def origin(packaged: Path) -> Iterator[str]:
    """The package served by http.server on loopback, like a minimal origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(packaged)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


def _streams(url: str) -> list[dict]:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stderr == ""
    return json.loads(result.stdout)["streams"]


def _decode(url: str, stream: str) -> None:
    """Decode the first second (one segment) of ``stream``; any decoder or demuxer complaint fails."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", url, "-map", stream, "-t", "1", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_hls_master_playlist(origin: str, packaged: Path) -> None:
    index = json.loads((packaged / "index.json").read_text())
    streams = _streams(f"{origin}/master.m3u8")
    video = {(s["codec_name"], s["width"], s["height"]) for s in streams if s["codec_type"] == "video"}
    expected = {
        ({"h264": "h264", "hevc": "hevc", "av1": "av1"}[r["codec"]], r["width"], r["height"])
        for r in index["renditions"]
        if r["kind"] == "video"
    }
    assert video == expected
    assert {s["codec_name"] for s in streams if s["codec_type"] == "audio"} == {"aac"}
    for rendition in index["renditions"]:
        kind = "v" if rendition["kind"] == "video" else "a"
        _decode(f"{origin}/{rendition['id']}/playlist.m3u8", f"0:{kind}:0")


def test_dash_manifest(origin: str, packaged: Path) -> None:
    index = json.loads((packaged / "index.json").read_text())
    streams = _streams(f"{origin}/manifest.mpd")
    ids = [s["tags"]["id"] for s in streams]
    assert sorted(ids) == sorted(r["id"] for r in index["renditions"])
    for position in range(len(streams)):
        _decode(f"{origin}/manifest.mpd", f"0:{position}")
