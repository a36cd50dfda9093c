"""hls.js and dash.js in Debian's headless Chromium, driven by web/driver.mjs: run, parse, judge.

The driver prints what each playthrough did; :class:`Playthrough` turns that into the facts the tests
assert on (ended, errors, which segments of which rendition were fetched) and :meth:`problems` lists
everything that makes a playthrough a failure, so a test states its verdict in one assertion.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import pytest

from .server import WEB, Harness

CHROMIUM = Path("/usr/bin/chromium")
Player = Literal["hls", "dash"]
DEFAULT_RATE = 4.0  # real playback, every segment fetched and decoded, a 10 s title in under 3 s
_SEGMENT = re.compile(r"/([^/]+)/seg_(\d+)\.m4s$")
# Chromium cancels a request the page no longer wants (a player aborting a fetch on a level switch).
_CANCELLED = "net::ERR_ABORTED"


def unavailable_reason() -> str | None:
    """Why the web players cannot run here (no Chromium, Node or harness install), or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (scripts/system-packages.sh test installs Debian's chromium)"
    if shutil.which("node") is None:
        return "node is missing"
    if not (WEB / "node_modules" / "playwright-core").is_dir():
        return f"the harness is not installed (scripts/web-players.sh runs npm ci in {WEB})"
    return None


def require_web_players() -> None:
    """Skip with the reason when the web players cannot run, except under CI, where that is a failure."""
    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the web player tests: {reason}")
    pytest.skip(reason)


@dataclass
class Playthrough:
    """One page load: the library with ABR (``rung`` None) or pinned to one video rendition."""

    player: str
    rung: str | None
    state: str
    timed_out: bool
    errors: list[dict[str, Any]]
    tolerated: list[dict[str, Any]]
    manifest_rungs: list[str]
    rungs: list[str]
    audio_tracks: int
    duration: float | None
    current_time: float
    audio_decoded_bytes: int
    frames: int
    buffered: list[list[float]]
    ready_state: int
    paused: bool
    timeline: list[str]
    segments: dict[str, set[int]] = field(default_factory=dict)  # rendition id -> segment numbers fetched
    bad_responses: list[dict[str, Any]] = field(default_factory=list)
    failed_requests: list[dict[str, Any]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_driver(cls, player: str, run: dict[str, Any]) -> Playthrough:
        segments: dict[str, set[int]] = {}
        for response in run["responses"]:
            match = _SEGMENT.search(response["url"].split("?")[0])
            if match and response["status"] in (200, 206):
                segments.setdefault(match[1], set()).add(int(match[2]))
        return cls(
            player=player,
            rung=run["rung"],
            state=run["state"],
            timed_out=run["timedOut"],
            errors=run["errors"],
            tolerated=run["tolerated"],
            manifest_rungs=run["manifestRungs"],
            rungs=run["rungs"],
            audio_tracks=run["audioTracks"],
            duration=run["duration"],
            current_time=run["currentTime"],
            audio_decoded_bytes=run["audioDecodedBytes"],
            frames=run["frames"],
            buffered=run["buffered"],
            ready_state=run["readyState"],
            paused=run["paused"],
            timeline=run["timeline"],
            segments=segments,
            bad_responses=[r for r in run["responses"] if r["status"] >= 400],
            failed_requests=[r for r in run["failedRequests"] if r["error"] != _CANCELLED],
            page_errors=run["pageErrors"],
            console_errors=run["consoleErrors"],
            console_warnings=run["consoleWarnings"],
        )

    def problems(self) -> list[str]:
        """Everything that fails this playthrough; empty when it played to its end cleanly."""
        found = [f"error event: {e}" for e in self.errors]
        found += [f"HTTP {r['status']} for {r['url']}" for r in self.bad_responses]
        found += [f"request failed ({r['error']}): {r['url']}" for r in self.failed_requests]
        found += [f"uncaught page error: {e}" for e in self.page_errors]
        found += [f"console error: {e}" for e in self.console_errors]
        if self.timed_out:
            found.append(
                f"timed out at {self.current_time:.2f} s of {self.duration} s (state {self.state}, "
                f"readyState {self.ready_state}, paused {self.paused}, buffered {self.buffered}, "
                f"segments {self.segments}, events {self.timeline}, warnings {self.console_warnings[-5:]})"
            )
        elif self.state != "ended":
            found.append(f"never reached ended (state {self.state})")
        label = f"{self.player} {self.rung or 'ABR'}"
        return [f"{label}: {p}" for p in found]


def play(
    harness: Harness,
    player: Player,
    manifest_url: str,
    *,
    each_rung: bool = True,
    rate: float = DEFAULT_RATE,
    timeout_s: float = 60.0,
) -> list[Playthrough]:
    """Play ``manifest_url`` (fetched through the harness proxy) with ABR, then each kept rendition alone."""
    command = ["node", str(WEB / "driver.mjs"), "--page", harness.page, "--player", player]
    command += ["--src", harness.proxied(manifest_url), "--rate", str(rate), "--timeout", str(timeout_s)]
    if each_rung:
        command.append("--each-rung")
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s * 12 + 60, cwd=WEB)
    assert result.returncode == 0, result.stderr[-3000:]
    return [Playthrough.from_driver(player, run) for run in json.loads(result.stdout)["runs"]]


# The element's timeline may differ from the package's by rounding (µs in the players' arithmetic).
_TIME_TOLERANCE_S = 0.002


def _all_segments(rendition: dict[str, Any]) -> set[int]:
    return set(range(1, rendition["segmentCount"] + 1))


def _frames(rendition: dict[str, Any]) -> int:
    return round(rendition["durationS"] * Fraction(rendition["frameRate"]))


def _timeline_problems(run: Playthrough, duration_s: float) -> list[str]:
    """An ended run's element lasts as long as the package, buffered as one range from 0: no holes."""
    if run.state != "ended":
        return []  # already a problem of its own
    label = f"{run.player} {run.rung or 'ABR'}"
    found = []
    if run.duration is None or abs(run.duration - duration_s) > _TIME_TOLERANCE_S:
        found.append(f"{label}: the element's duration is {run.duration} s, the package's {duration_s} s")
    whole = [0.0, run.duration or 0.0]
    ranges = run.buffered
    if len(ranges) != 1 or any(abs(a - b) > _TIME_TOLERANCE_S for a, b in zip(ranges[0], whole, strict=True)):
        found.append(f"{label}: buffered {ranges}, expected [{whole}]")
    return found


def _abr_problems(abr: Playthrough, video: dict[str, dict], audio: dict[str, Any]) -> list[str]:
    """The library saw every video rendition, kept the H.264 ones, and fetched every segment position."""
    label = f"{abr.player} ABR"
    found = []
    if sorted(abr.manifest_rungs) != sorted(video):
        found.append(f"{label}: saw renditions {abr.manifest_rungs}, the package has {sorted(video)}")
    dropped_h264 = [i for i, r in video.items() if r["codec"] == "h264" and i not in abr.rungs]
    if dropped_h264:
        found.append(f"{label}: dropped H.264 renditions {dropped_h264}")
    if abr.audio_tracks != 1:
        found.append(f"{label}: {abr.audio_tracks} audio tracks")
    longest = max(video.values(), key=lambda r: r["segmentCount"])
    fetched = set().union(*(abr.segments.get(i, set()) for i in video))
    if fetched != _all_segments(longest):
        found.append(f"{label}: video segments fetched {sorted(fetched)}")
    if abr.segments.get(audio["id"]) != _all_segments(audio):
        found.append(f"{label}: audio segments fetched {sorted(abr.segments.get(audio['id'], ()))}")
    return found


def _pinned_problems(run: Playthrough, video: dict[str, dict], audio: dict[str, Any]) -> list[str]:
    """A rendition played alone: all its segments and the audio's fetched, every one of its frames decoded."""
    label = f"{run.player} {run.rung}"
    own = video[run.rung]
    found = []
    if run.segments.get(run.rung) != _all_segments(own):
        found.append(f"{label}: own segments fetched {sorted(run.segments.get(run.rung, ()))}")
    others = sorted(i for i in video if i != run.rung and run.segments.get(i))
    if others:
        found.append(f"{label}: also fetched segments of {others}")
    if run.segments.get(audio["id"]) != _all_segments(audio):
        found.append(f"{label}: audio segments fetched {sorted(run.segments.get(audio['id'], ()))}")
    if run.frames < _frames(own):
        found.append(f"{label}: decoded {run.frames} video frames of {_frames(own)}")
    if run.audio_decoded_bytes == 0:
        found.append(f"{label}: decoded no audio")
    return found


def package_problems(runs: list[Playthrough], index: dict[str, Any]) -> list[str]:
    """What is wrong with ``runs`` (ABR first, then one per kept rendition) as plays of the package.

    ``index`` is the package's index.json. Besides the playthroughs' own problems (errors, failed
    requests, no ``ended``): every run's timeline must match the package's, the library must see every
    video rendition and keep at least the H.264 ones (Chromium decodes H.264 everywhere; a dropped one
    means a codec string it rejects), the ABR run must fetch every segment position, and the kept
    renditions must each have been played alone, every segment fetched and every frame decoded.
    """
    video = {r["id"]: r for r in index["renditions"] if r["kind"] == "video"}
    (audio,) = [r for r in index["renditions"] if r["kind"] == "audio"]
    abr, pinned = runs[0], runs[1:]
    found = [p for run in runs for p in run.problems() + _timeline_problems(run, index["durationS"])]
    found += _abr_problems(abr, video, audio)
    if sorted(run.rung for run in pinned) != sorted(abr.rungs):
        found.append(f"{abr.player}: pinned runs {[run.rung for run in pinned]} for kept {abr.rungs}")
    for run in pinned:
        found += _pinned_problems(run, video, audio)
    return found
