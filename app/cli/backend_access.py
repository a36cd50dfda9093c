"""One way for every command to find its backend: ``--backend URL`` or an embedded one over ``--data``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.client.api import ApiClient
from app.client.embedded import EmbeddedBackend
from app.config import Settings, load_settings


def _default(top_level: bool) -> object:
    """Sub-commands must not reset an option given before the command name, so they default to SUPPRESS."""
    return None if top_level else argparse.SUPPRESS


def add_backend_options(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    parser.add_argument(
        "--backend",
        metavar="URL",
        default=_default(top_level),
        help="talk to a running backend instead of starting one",
    )
    parser.add_argument(
        "--token",
        default=_default(top_level),
        help="content token for --backend (default: $MARQUEE_CONTENT_TOKEN)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings for working over a local data dir, checked usable before anything touches it."""
    settings = load_settings(data_dir=args.data)
    settings.ensure_dirs()
    return settings


@contextmanager
def backend_client(args: argparse.Namespace) -> Iterator[ApiClient]:
    """A client for the backend the user chose; an embedded backend lives as long as the block."""
    if args.backend:
        token = args.token or os.environ.get("MARQUEE_CONTENT_TOKEN")
        with ApiClient(args.backend, token=token) as client:
            yield client
        return
    settings = settings_from(args)
    embedded = EmbeddedBackend(settings)
    base_url = embedded.start()
    try:
        with ApiClient(base_url, token=settings.resolved_content_token) as client:
            yield client
    finally:
        embedded.stop()


def data_dir_option(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        default=_default(top_level),
        help="data directory (default: the user data dir)",
    )
