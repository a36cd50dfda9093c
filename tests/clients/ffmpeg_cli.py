"""FFmpeg as a real HLS/DASH client (Debian's ffprobe and ffmpeg): read manifests and decode over HTTP."""

from __future__ import annotations

import json
import shutil
import subprocess

FFMPEG_MISSING = not (shutil.which("ffprobe") and shutil.which("ffmpeg"))


def streams(url: str) -> list[dict]:
    """The streams ffprobe finds behind a master playlist or MPD; any complaint on stderr fails."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stderr == ""
    return json.loads(result.stdout)["streams"]


def decode(url: str, stream: str, seconds: float = 1.0) -> None:
    """Decode the first ``seconds`` (one segment) of ``stream``; any decoder or demuxer complaint fails."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", url, "-map", stream, "-t", str(seconds)]
        + ["-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


def check_hls(master_url: str, index: dict) -> None:
    """ffprobe finds exactly the package's renditions behind the master playlist; each one decodes.

    ``index`` is the package's index.json; one segment of every rendition is decoded through its media
    playlist (the variant URI next to the master).
    """
    found = streams(master_url)
    video = {(s["codec_name"], s["width"], s["height"]) for s in found if s["codec_type"] == "video"}
    renditions = index["renditions"]
    assert video == {(r["codec"], r["width"], r["height"]) for r in renditions if r["kind"] == "video"}
    assert {s["codec_name"] for s in found if s["codec_type"] == "audio"} == {"aac"}
    base = master_url.rsplit("/", 1)[0]
    for rendition in renditions:
        kind = "v" if rendition["kind"] == "video" else "a"
        decode(f"{base}/{rendition['id']}/playlist.m3u8", f"0:{kind}:0", index["segmentSeconds"])


def check_dash(mpd_url: str, index: dict) -> None:
    """ffprobe finds exactly the package's renditions (by Representation id) in the MPD; each decodes."""
    found = streams(mpd_url)
    assert sorted(s["tags"]["id"] for s in found) == sorted(r["id"] for r in index["renditions"])
    for position in range(len(found)):
        decode(mpd_url, f"0:{position}", index["segmentSeconds"])
