"""ABR benchmark: every controller on the shared trace sets, against the offline optimum.

    python -m bench abr [--traces-limit N] [--sets fcc,hsdpa,synthetic] [--split all|tune|check]
                        [--controllers default,mpc,...] [--procs 2] [--end-buffer S]

Prints, per trace set, mean QoE, QoE as a share of the optimum's mean QoE (the reference run of
this bench), rebuffer ratio (startup included), switches and average bitrate.  ``--end-buffer S``
adds the optimum that must end with S s buffered: controllers never know where the video ends, so
that is the part of the optimum they could reach even with perfect throughput foresight.
``--split tune`` / ``check`` keep the even / odd traces of each set, so tuning and checking never see
the same traces.
"""

from __future__ import annotations

import argparse
import time
from functools import partial
from multiprocessing import get_context
from pathlib import Path

from app.player.abr import available_controllers, create_controller
from app.player.simulation import Trace, Video, load_traces, load_video
from app.player.simulation.evaluate import OPTIMUM, TraceOutcome, evaluate_trace, summarise
from app.player.simulation.synthetic import synthetic_traces

SHARED = Path("/work/shared/abr")
TRACE_SETS = ("fcc", "hsdpa")


def _run_one(trace: Trace, video: Video, names: tuple[str, ...], end_buffer_s: float | None) -> TraceOutcome:
    factories = {name: partial(create_controller, name) for name in names}
    return evaluate_trace(trace, video, factories, end_buffer_s=end_buffer_s)


def _select(traces: list[Trace], split: str, limit: int | None) -> list[Trace]:
    if split != "all":
        traces = traces[0 if split == "tune" else 1 :: 2]
    return traces[:limit] if limit else traces


def _load_sets(args: argparse.Namespace) -> dict[str, list[Trace]]:
    sets: dict[str, list[Trace]] = {}
    for name in args.sets:
        if name == "synthetic":
            for family, traces in synthetic_traces().items():
                sets[f"synthetic:{family}"] = _select(traces, "all", args.traces_limit)
        else:
            sets[name] = _select(load_traces(args.traces_root / name), args.split, args.traces_limit)
    return sets


def _print_table(set_name: str, outcomes: list[TraceOutcome]) -> None:
    summaries = summarise(outcomes)
    best = sum(o.optimum_qoe or 0.0 for o in outcomes) / len(outcomes)
    print(f"\n{set_name}: {len(outcomes)} traces, optimum mean QoE {best:.2f}")
    print(f"{'controller':<12}{'QoE':>9}{'% opt':>8}{'rebuf %':>9}{'switches':>10}{'kb/s':>8}")
    for name, s in sorted(summaries.items(), key=lambda kv: -kv[1].mean_qoe):
        share = f"{100 * s.share_of_optimum:.1f}" if s.share_of_optimum is not None else "-"
        print(
            f"{name:<12}{s.mean_qoe:>9.2f}{share:>8}{100 * s.rebuffer_ratio:>9.2f}"
            f"{s.switches:>10.1f}{s.avg_bitrate_kbps:>8.0f}"
        )
    print(f"{OPTIMUM:<12}{best:>9.2f}{100.0:>8.1f}")
    if outcomes[0].end_bounded_qoe is not None:
        bounded = sum(o.end_bounded_qoe or 0.0 for o in outcomes) / len(outcomes)
        print(f"{'optimum, ends with >= end-buffer':<34}{bounded:>7.2f}  ({100 * bounded / best:.1f} % opt)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench abr", description=__doc__.splitlines()[0])
    parser.add_argument("--traces-limit", type=int, default=None, help="at most N traces per set")
    parser.add_argument("--sets", type=lambda s: s.split(","), default=list(TRACE_SETS))
    parser.add_argument("--split", choices=("all", "tune", "check"), default="all")
    parser.add_argument("--controllers", type=lambda s: s.split(","), default=available_controllers())
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument(
        "--end-buffer",
        type=float,
        default=None,
        metavar="S",
        help="also show the optimum that must end with >= S s buffered (no end-of-video drain)",
    )
    parser.add_argument("--traces-root", type=Path, default=SHARED / "traces")
    parser.add_argument("--video", type=Path, default=SHARED / "video" / "envivio_sizes.json")
    args = parser.parse_args(argv)
    unknown = set(args.controllers) - set(available_controllers())
    if unknown:
        parser.error(f"unknown controllers: {', '.join(sorted(unknown))}")
    video = load_video(args.video)
    started = time.perf_counter()
    worker = partial(_run_one, video=video, names=tuple(args.controllers), end_buffer_s=args.end_buffer)
    with get_context("spawn").Pool(max(1, args.procs)) as pool:
        for set_name, traces in _load_sets(args).items():
            if traces:
                _print_table(set_name, pool.map(worker, traces, chunksize=4))
    print(f"\n{time.perf_counter() - started:.1f} s", flush=True)
    return 0
