"""``main.py serve``: the backend alone (health at /api/v1/health once ready)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.backend.child_process import bind_socket
from app.backend.server import serve
from app.cli.backend_access import data_dir_option
from app.cli.errors import CommandError
from app.config import load_settings


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("serve", help="run the backend alone")
    data_dir_option(parser)
    parser.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8700; 0 picks a free one)")
    parser.add_argument("--workers", type=int, default=1, help="API worker processes (remote deployments)")
    parser.add_argument("--port-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(data_dir=args.data, host=args.host, port=args.port)
    settings.ensure_dirs()
    if settings.port:
        check_port_free(settings.host, settings.port)
    serve(settings, workers=args.workers, port_file=args.port_file, exit_with_parent=args.exit_with_parent)
    return 0


def check_port_free(host: str, port: int) -> None:
    """Fail in one line before migrating or starting anything if ``host:port`` cannot be bound.

    A probe, not the real bind (the server binds after preparing the database), so a port taken in
    between still fails later; what it catches is the usual case: another server already on it.
    """
    try:
        bind_socket(host, port).close()
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
