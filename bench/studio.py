"""Studio media benchmark: our 5-rung H.264 ladder vs the ffmpeg CLI, 1080p encode speed per codec, and
BD-rate of per-title and per-shot ladders against the fixed ladder on the real test clips.

The BD-rates come from the *final encodes*: every rung of every ladder is really encoded by our pipeline,
its segments decoded, scaled to the clip's size and scored with VMAF against the clip; the rate is what the
rung's segments really weigh. All three ladders are compared over one quality range.

``python -m bench studio [--quick]``. The reference is measured in the same run on the same master with
the same encoder settings (preset, bitrates, VBV, GOP with forced keyframes every segment, scene cuts off),
so the ratio is meaningful on any machine; ffmpeg also writes fMP4 HLS segments, as our pipeline does.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import av

from app.studio.media.analysis import analyse, merge_short_shots
from app.studio.media.codecs import FAMILIES
from app.studio.media.encode import encode_video
from app.studio.media.index import scan_rendition
from app.studio.media.ladder import (
    STANDARD_LADDER,
    LadderPlan,
    Rung,
    candidate_heights,
    plan_fixed,
    plan_per_title,
)
from app.studio.media.pershot import plan_per_shot
from app.studio.media.probe import MediaInfo, probe
from app.studio.media.quality import bd_rate, measure_rate_quality, measure_shots
from app.studio.media.segmenter import INIT_NAME, segment_name
from app.studio.media.validate import validate_package
from app.studio.media.vmaf import vmaf
from bench._media import FPS, MEDIA, looped_master

SEGMENT_SECONDS = 4
PRESET = "veryfast"


def _ffmpeg_ladder(master: Path, rungs: list[Rung], out: Path, preset: str) -> list[str]:
    """The same ladder as one ffmpeg process: decode once, split, scale, encode, HLS fMP4 per rung."""
    split = f"[0:v]split={len(rungs)}" + "".join(f"[s{i}]" for i in range(len(rungs)))
    scales = [f"[s{i}]scale={r.width}:{r.height}:flags=bicubic[o{i}]" for i, r in enumerate(rungs)]
    command = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(master)]
    command += ["-filter_complex", ";".join([split, *scales])]
    for i, rung in enumerate(rungs):
        folder = out / rung.id
        folder.mkdir(parents=True)
        command += ["-map", f"[o{i}]", "-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p"]
        command += ["-b:v", f"{rung.bitrate_kbps}k", "-maxrate", f"{rung.max_bitrate_kbps}k"]
        command += ["-bufsize", f"{rung.max_bitrate_kbps * 2}k", "-g", str(2 * SEGMENT_SECONDS * FPS)]
        command += ["-sc_threshold", "0", "-forced-idr", "1", "-x264-params", "scenecut=0:open-gop=0"]
        command += ["-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})"]
        command += ["-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_segment_type", "fmp4"]
        command += ["-hls_playlist_type", "vod", "-hls_segment_filename", str(folder / "seg_%05d.m4s")]
        command += [str(folder / "playlist.m3u8")]
    return command


def _timed(label: str, action: Callable[[], object]) -> float:
    print(f"  running {label} ...", flush=True)
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _kbps(folder: Path, seconds: float) -> float:
    return sum(f.stat().st_size for f in folder.glob("*.m4s")) * 8 / seconds / 1000


def ladder_vs_ffmpeg(
    master: Path, work: Path
) -> tuple[float, float, int, list[tuple[str, int, float, float]]]:
    """Wall seconds of our 5-rung ladder and of the ffmpeg CLI doing the same, frames in the master, and
    per rung (id, target kbps, our kbps, ffmpeg kbps) to show both really did the same job."""
    rungs = plan_fixed(probe(master), ["h264"], max_rungs=5, ladder=STANDARD_LADDER).rungs
    ours_dir, ref_dir = work / "ours", work / "ffmpeg"
    ours = _timed(
        "our pipeline",
        lambda: encode_video(
            master, rungs, ours_dir, segment_seconds=SEGMENT_SECONDS, presets={"h264": PRESET}
        ),
    )
    validate_package(ours_dir, SEGMENT_SECONDS)
    command = _ffmpeg_ladder(master, rungs, ref_dir, PRESET)
    reference = _timed("ffmpeg CLI", lambda: subprocess.run(command, check=True))
    with av.open(str(master)) as container:
        frames = container.streams.video[0].frames
    seconds = frames / FPS
    rates = [
        (r.id, r.bitrate_kbps, _kbps(ours_dir / r.id, seconds), _kbps(ref_dir / r.id, seconds)) for r in rungs
    ]
    return ours, reference, frames, rates


def codec_speed(master: Path, work: Path, seconds: int) -> list[tuple[str, str, float]]:
    """1080p single-rung encode speed (fps) per codec with its default preset, on the first ``seconds``."""
    clip = work / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-nostdin",
            "-y",
            "-i",
            str(master),
            "-t",
            str(seconds),
            "-c",
            "copy",
            str(clip),
        ],
        check=True,
    )
    info = probe(clip)
    rows = []
    for codec, fam in FAMILIES.items():
        rung = plan_fixed(info, [codec], max_rungs=1).rungs[0]
        stats = encode_video(
            clip, [rung], work / f"speed_{codec}", segment_seconds=SEGMENT_SECONDS, gpu="off"
        )
        rows.append((codec, f"{fam.software} ({fam.default_preset})", stats.fps))
    return rows


def _rendition_vmaf(directory: Path, clip: Path, width: int, height: int, subsample: int) -> float:
    """VMAF of one encoded rung as a player shows it: init + every segment, scaled to the clip's size."""
    stream = directory / "stream.mp4"
    count = len(scan_rendition(directory).segments)
    with stream.open("wb") as out:
        for name in [INIT_NAME, *(segment_name(n) for n in range(1, count + 1))]:
            out.write((directory / name).read_bytes())
    return vmaf(stream, clip, width, height, n_subsample=subsample, threads=os.cpu_count() or 1)


def _final_curve(
    clip: Path, info: MediaInfo, plan: LadderPlan, work: Path, subsample: int
) -> list[tuple[str, float, float]]:
    """Encode every rung of ``plan`` and measure it: (rung id, real kbps, VMAF at the clip's size)."""
    encode_video(clip, plan.rungs, work, segment_seconds=SEGMENT_SECONDS, presets={"h264": PRESET}, gpu="off")
    seconds = info.duration_s
    curve = []
    for rung in plan.rungs:
        folder = work / rung.id
        kbps = sum(s.bytes for s in scan_rendition(folder).segments) * 8 / seconds / 1000
        curve.append((rung.id, kbps, _rendition_vmaf(folder, clip, info.width, info.height, subsample)))
    return curve


def ladder_bd_rates(quick: bool, work: Path) -> list[tuple[str, int, float, float, float, float, str]]:
    """Per real clip: BD-rate (%) of per-title and per-shot vs fixed from VMAF of the final encodes.

    Rows: clip, shots (after merging), complexity, per-title %, per-shot %, then the common VMAF range and
    the per-rung detail (as text) so the figures can be checked.
    """
    rows = []
    for clip in sorted(MEDIA.glob("*.mp4")):
        print(f"  {clip.name}: analysis, per-title and per-shot trials ...", flush=True)
        info = probe(clip, allow_silent=True)
        analysis = analyse(clip)
        shots = merge_short_shots(analysis.shots)
        heights = candidate_heights(info)
        crfs = (18, 26, 34) if quick else (17, 23, 29, 35)
        points = measure_shots(clip, shots, heights, crfs=crfs, preset=PRESET)
        title_points = measure_rate_quality(clip, heights, crfs=crfs, preset=PRESET)
        plans = {
            "fixed": plan_fixed(info),
            "per-title": plan_per_title(info, title_points),
            "per-shot": plan_per_shot(info, shots, points),
        }
        print(f"  {clip.name}: encoding and scoring {sum(len(p.rungs) for p in plans.values())} rungs ...")
        curves = {
            name: _final_curve(clip, info, plan, work / clip.stem / name, 4 if quick else 1)
            for name, plan in plans.items()
        }
        points_of = {name: [(kbps, q) for _, kbps, q in curve] for name, curve in curves.items()}
        low = max(min(q for _, q in c) for c in points_of.values())
        high = min(max(q for _, q in c) for c in points_of.values())
        bd = {
            name: _bd(points_of["fixed"], points_of[name], (low, high)) for name in ("per-title", "per-shot")
        }
        detail = "; ".join(
            f"{name}: " + ", ".join(f"{rid} {kbps:.0f}k/{q:.1f}" for rid, kbps, q in curve)
            for name, curve in curves.items()
        )
        rows.append(
            (
                clip.name,
                len(shots),
                analysis.bits_per_pixel,
                bd["per-title"],
                bd["per-shot"],
                low,
                high,
                detail,
            )
        )
    return rows


def _bd(
    reference: list[tuple[float, float]], test: list[tuple[float, float]], within: tuple[float, float]
) -> float:
    try:
        return bd_rate(reference, test, within)
    except ValueError:  # the ladders share no quality range: no comparison is possible
        return math.nan


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench studio", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20 s master and 2 s speed clips")
    args = parser.parse_args(argv)
    os.environ.setdefault("SVT_LOG", "1")  # SVT-AV1 prints its whole config to stderr otherwise
    if not shutil.which("ffmpeg"):
        print("ffmpeg CLI not found (apt-get install ffmpeg): no reference to compare with")
        return 1
    seconds, speed_seconds = (20, 2) if args.quick else (60, 4)
    print(f"building/using a {seconds} s 1080p master ...", flush=True)
    master = looped_master(seconds)
    with tempfile.TemporaryDirectory(prefix="marquee-bench-") as tmp:
        work = Path(tmp)
        ours, reference, frames, rates = ladder_vs_ffmpeg(master, work)
        speeds = codec_speed(master, work, speed_seconds)
        print("  ladders on the real clips (VMAF of the final encodes) ...", flush=True)
        bd_rows = ladder_bd_rates(args.quick, work / "ladders")
    print()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (both runs share it)")
    print(
        f"5-rung H.264 ladder (240p..1080p, {PRESET}, {SEGMENT_SECONDS} s segments), {seconds} s 1080p master"
    )
    print(f"{'pipeline':<28}{'wall s':>10}{'fps':>10}{'ratio':>10}")
    print(f"{'ffmpeg CLI (reference)':<28}{reference:>10.1f}{frames / reference:>10.1f}{1.0:>10.2f}")
    print(f"{'marquee encode_video':<28}{ours:>10.1f}{frames / ours:>10.1f}{ours / reference:>10.2f}")
    print(f"{'rung':<20}{'target kbps':>12}{'ours kbps':>12}{'ffmpeg kbps':>12}")
    for rung_id, target, our_kbps, ref_kbps in rates:
        print(f"{rung_id:<20}{target:>12}{our_kbps:>12.0f}{ref_kbps:>12.0f}")
    print()
    print(f"1080p single-rung encode speed ({speed_seconds} s clip, one process, CPU)")
    print(f"{'codec':<8}{'encoder (preset)':<26}{'fps':>8}{'vs x264':>10}")
    base = speeds[0][2]
    for codec, encoder, fps in speeds:
        print(f"{codec:<8}{encoder:<26}{fps:>8.1f}{fps / base:>10.2f}")
    print()
    print("Ladder planning vs fixed: BD-rate on VMAF of the final encodes (negative = fewer bits for the")
    print(f"same quality; H.264 {PRESET}, one VMAF range per clip shared by all three ladders)")
    print(f"{'clip':<44}{'shots':>6}{'bits/px':>8}{'per-title':>11}{'per-shot':>10}{'VMAF range':>14}")
    for name, shots, bpp, per_title, per_shot, low, high, _ in bd_rows:
        print(f"{name:<44}{shots:>6}{bpp:>8.2f}{per_title:>10.1f}%{per_shot:>9.1f}%{low:>8.1f}-{high:.1f}")
    print()
    print("rung detail (id real-kbps/VMAF):")
    for name, *_, detail in bd_rows:
        print(f"  {name}: {detail}")
    return 0
