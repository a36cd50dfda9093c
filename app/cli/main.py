"""Entry point: parse arguments, set up logging, then start the GUI or run a headless command."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys

from app import __version__
from app.backend.errors import DomainError
from app.cli import cdn
from app.cli.backend_access import add_backend_options, data_dir_option
from app.cli.errors import CommandError
from app.client.api import ApiError
from app.client.embedded import BackendStartError
from app.config import DataDirError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marquee", description="Marquee streaming studio and player.")
    parser.add_argument("--version", action="version", version=f"marquee {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--quit-after",
        type=float,
        metavar="SECONDS",
        help="desktop app: close the window SECONDS after the backend is ready or failed (smoke tests)",
    )
    data_dir_option(parser, top_level=True)
    add_backend_options(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Imported here, not at the top: a CDN tier (``main.py edge …``, also how a frozen app starts its
    # tiers) then starts without loading the whole backend.
    from app.cli import import_movielens, ingest, play, preposition, recommend, serve, worker

    for module in (serve, ingest, play, import_movielens, recommend, preposition, worker, cdn):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()  # a frozen app's API workers (serve --workers N) start through it
    argv = sys.argv[1:] if argv is None else argv
    if cdn.is_tier_command(argv):  # the tier server parses its own options
        return cdn.run_tier(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if args.command is None:
            from app.ui.application import run_gui  # Qt loads only for the GUI

            return run_gui(args)
        return args.run(args)
    except (CommandError, ApiError, BackendStartError, DomainError, DataDirError) as exc:
        print(f"marquee: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except KeyboardInterrupt:
        return 130
