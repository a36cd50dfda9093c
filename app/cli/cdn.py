"""``main.py origin|hub|edge …``: run one CDN tier server (the same program the embedded backend starts).

The options are the tier server's own (``main.py edge --help``); this keeps one command line for
source runs, frozen bundles and remote edge hosts.
"""

from __future__ import annotations

import argparse

from app.backend.cdn.__main__ import main as tier_main

TIERS = {
    "origin": "serve published media from a media root",
    "hub": "regional cache filling from the origin",
    "edge": "edge cache filling from a hub (or the origin)",
}


def register(commands: argparse._SubParsersAction) -> None:
    """Listed in ``main.py --help``; :func:`is_tier_command` hands their arguments over unparsed."""
    for tier, summary in TIERS.items():
        commands.add_parser(tier, help=summary, add_help=False)


def is_tier_command(argv: list[str]) -> bool:
    return bool(argv) and argv[0] in TIERS


def run_tier(argv: list[str]) -> int:
    return tier_main(argv)
