"""``python -m app.backend.cdn origin|hub|edge ...``: run one CDN tier server in this process.

Secrets can come from the environment (``MARQUEE_CDN_SIGNING_KEY``, ``MARQUEE_CDN_ADMIN_TOKEN``)
instead of the command line, so they do not show in process listings; the supervisor uses that.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from pathlib import Path

from .edge import run_edge
from .origin import run_origin
from .policy import POLICIES
from .server import ServerOptions

_SIZE = re.compile(r"(\d+)([KMGT]?)(?:i?B)?", re.IGNORECASE)
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """Bytes from ``1048576``, ``512M``, ``2GiB``... (binary units)."""
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(match.group(1)) * _UNITS[match.group(2).upper()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.backend.cdn", description=__doc__)
    parser.add_argument("tier", choices=("origin", "hub", "edge"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed as JSON)")
    parser.add_argument("--name", default="", help="label reported by /health and /metrics")
    parser.add_argument("--media-root", type=Path, help="origin: the published objects")
    parser.add_argument("--upstream", help="hub/edge: base URL of the parent tier")
    parser.add_argument("--cache-dir", type=Path, help="hub/edge: the disk cache directory")
    parser.add_argument("--capacity", type=parse_size, help="hub/edge: cache size, e.g. 2G")
    parser.add_argument("--policy", choices=sorted(POLICIES), default="lfu-da")
    parser.add_argument("--signing-key-file", type=Path, help="HMAC key for signed URLs")
    parser.add_argument("--require-signature", action="store_true", help="403 without a valid token")
    parser.add_argument("--admin-token", help="bearer token for /admin/* (admin API off without one)")
    parser.add_argument("--traces-dir", type=Path, help="shaping profiles: Pensieve trace files")
    parser.add_argument("--chaos-seed", type=int, help="seed for injected failures (reproducible)")
    parser.add_argument("--server", choices=("auto", "granian", "uvicorn"), default="auto")
    parser.add_argument("--watch-stdin", action="store_true", help="exit when stdin closes (parent died)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format=f"%(asctime)s {args.tier} %(levelname)s %(message)s")
    signing_key = (
        args.signing_key_file.read_bytes().strip()
        if args.signing_key_file
        else os.environ.get("MARQUEE_CDN_SIGNING_KEY", "").encode() or None
    )
    options = ServerOptions(
        tier=args.tier,
        name=args.name or args.tier,
        signing_key=signing_key,
        require_signature=args.require_signature,
        admin_token=args.admin_token or os.environ.get("MARQUEE_CDN_ADMIN_TOKEN") or None,
        traces_dir=args.traces_dir,
        chaos_seed=args.chaos_seed,
    )
    if args.tier == "origin":
        if args.media_root is None:
            parser.error("origin needs --media-root")
        run_origin(
            args.media_root,
            args.host,
            args.port,
            options=options,
            watch_stdin=args.watch_stdin,
            server=args.server,
        )
        return 0
    if not (args.upstream and args.cache_dir and args.capacity):
        parser.error(f"{args.tier} needs --upstream, --cache-dir and --capacity")
    run_edge(
        args.upstream,
        args.cache_dir,
        args.capacity,
        args.host,
        args.port,
        policy=args.policy,
        options=options,
        watch_stdin=args.watch_stdin,
        server=args.server,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
