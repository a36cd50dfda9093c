"""``main.py preposition``: push the predicted popular titles to the CDN edges now."""

from __future__ import annotations

import argparse
import json

from app.cli.backend_access import add_backend_options, backend_client, data_dir_option


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("preposition", help="push predicted popular titles to the edges now")
    data_dir_option(parser)
    add_backend_options(parser)
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with backend_client(args) as client:
        report = client.preposition()
    if args.json:
        print(json.dumps(report))
    else:
        titles = sorted({t for ids in report["regions"].values() for t in ids})
        print(
            f"{len(titles)} titles: {report['edgeObjects']} objects on edges, "
            f"{report['hubObjects']} on the hub, {report['bytes']} bytes"
        )
    return 0
