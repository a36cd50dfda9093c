"""``main.py play TITLE_ID --headless``: stream a title through the real engine and print its QoE."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.backend_access import add_backend_options, backend_client, data_dir_option
from app.cli.errors import CommandError
from app.player.abr import available_controllers
from app.player.engine.events import Decision, EngineListener
from app.player.engine.qoe import QoeSummary
from app.player.engine.state import PlayerState
from app.player.headless import HeadlessRequest, play_headless


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("play", help="play a title without a window and report its QoE")
    parser.add_argument("title_id", metavar="TITLE_ID")
    parser.add_argument("--headless", action="store_true", help="no window: decode every frame, show none")
    parser.add_argument("--abr", default="default", choices=available_controllers(), help="ABR controller")
    parser.add_argument("--network", metavar="TRACE", help="a network profile name or a bandwidth trace file")
    parser.add_argument("--profile", help="profile id to play as (default: the first profile)")
    parser.add_argument("--format", choices=("hls", "dash"), default="hls", help="manifest to play")
    parser.add_argument("--speed", type=float, default=1.0, help="clock rate (2 = twice real time)")
    parser.add_argument("--from-start", action="store_true", help="ignore the saved resume position")
    parser.add_argument("--decisions", action="store_true", help="print each ABR decision on stderr")
    parser.add_argument("--json", action="store_true", help="print the QoE summary as one JSON line")
    data_dir_option(parser)
    add_backend_options(parser)
    parser.set_defaults(run=run)


class _Progress(EngineListener):
    """State changes (and decisions with --verbose) on stderr, so stdout stays the summary."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose

    def on_state(self, state: PlayerState, detail: str) -> None:
        print(f"[{state.value.lower()}] {detail}".rstrip(), file=sys.stderr)

    def on_decision(self, decision: Decision) -> None:
        if self.verbose:
            print(f"  segment {decision.index}: {decision.label} — {decision.reason}", file=sys.stderr)

    def on_edge_failure(self, edge: str, reason: str) -> None:
        print(f"  edge {edge} failed: {reason}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    if not args.headless:
        raise CommandError("play without a window needs --headless (the desktop app plays in its window)")
    if args.speed <= 0:
        raise CommandError("--speed must be > 0")
    request = HeadlessRequest(
        title_id=args.title_id,
        profile_id=args.profile,
        abr=args.abr,
        network=args.network,
        prefer_format=args.format,
        speed=args.speed,
        from_start=args.from_start,
    )
    with backend_client(args) as client:
        try:
            summary = play_headless(client, request, listener=_Progress(args.decisions))
        except ValueError as exc:  # a bad --network spec
            raise CommandError(str(exc)) from exc
    print(json.dumps(summary.to_json()) if args.json else _table(summary))
    if summary.error:
        raise CommandError(summary.error)
    return 0


def _table(summary: QoeSummary) -> str:
    rows = summary.to_json()
    width = max(len(k) for k in rows)
    return "\n".join(f"{key:<{width}}  {value}" for key, value in rows.items() if value is not None)
