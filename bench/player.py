"""Player startup: play request → first frame decoded, over the real backend and CDN edges on loopback.

Our headless engine (``play --headless``: playback/start, manifest, ABR, first segment from an edge,
PyAV decode) against the reference in the same run: Debian's ``ffmpeg`` reading the same signed HLS
master from the same edge until it has decoded one frame (its process start included, which is part of
what a user waits for with it too).  Then a steady-link playback checks that nothing rebuffers.

    python -m bench player [--runs 10]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time

from app.client.api import ApiClient
from app.player.headless import HeadlessRequest, play_headless
from bench._demo_backend import demo_backend
from bench._table import print_table


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench player")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    with demo_backend(playable=1) as (url, (title,), _), ApiClient(url) as client:
        request = HeadlessRequest(title, abr="default", speed=8.0, from_start=True)
        play_headless(client, request)  # warm the edge caches, as a second viewer would find them
        ours = [play_headless(client, request) for _ in range(args.runs)]
        cable = HeadlessRequest(title, network="steady-cable", from_start=True)
        steady = play_headless(client, cable)
        reference = _ffmpeg_first_frame(client, title, args.runs)
    startups = [s.startup_ms for s in ours]
    rows = [["marquee play --headless", *_stats(startups), sum(s.rebuffer_count for s in ours), ""]]
    if reference:
        rows[0][-1] = f"{statistics.median(startups) / statistics.median(reference):.2f}x"
        rows.append(["ffmpeg -i master.m3u8 (reference)", *_stats(reference), "-", "1.00x"])
    print(f"Startup to first frame, {args.runs} runs each, 3 CDN edges on loopback, demo title {title}")
    print_table(["client", "median ms", "p90 ms", "min ms", "rebuffers", "median vs ffmpeg"], rows)
    print(
        f"\nSteady cable profile (edge-shaped), real time: startup {steady.startup_ms:.0f} ms, "
        f"{steady.rebuffer_count} rebuffers, {steady.avg_bitrate_kbps:.0f} kb/s average, "
        f"{steady.switches} switches, QoE {steady.qoe:.2f}"
    )
    if not reference:
        print("(reference skipped: ffmpeg is not installed; apt-get install ffmpeg)")
    return 0


def _stats(values: list[float]) -> list[float]:
    ordered = sorted(values)
    return [statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], ordered[0]]


def _ffmpeg_first_frame(client: ApiClient, title: str, runs: int) -> list[float]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return []
    profile = client.profiles()[0]["profileId"]
    times = []
    for _ in range(runs):
        manifest = client.start_playback(title, profile)["manifestUrl"]
        started = time.perf_counter()
        subprocess.run(
            [ffmpeg, "-v", "error", "-i", manifest, "-map", "0:v:0", "-frames:v", "1", "-f", "null", "-"],
            check=True,
            stdin=subprocess.DEVNULL,
        )
        times.append((time.perf_counter() - started) * 1000)
    return times
