"""``main.py import-movielens DIR``: a MovieLens folder becomes catalog, profiles and rating events."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.backend.catalog.movielens import import_movielens
from app.backend.services import Backend
from app.cli.backend_access import data_dir_option, settings_from
from app.cli.errors import CommandError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("import-movielens", help="import a MovieLens folder into the catalog")
    parser.add_argument(
        "folder", type=Path, help="folder with movies.csv and ratings.csv (tags.csv optional)"
    )
    data_dir_option(parser)
    parser.add_argument("--backend", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.backend:
        raise CommandError(
            "import-movielens writes to the database directly: use --data or MARQUEE_DATABASE_URL"
        )
    backend = Backend(settings_from(args))
    backend.prepare()
    with backend.sessions() as session:
        counts = import_movielens(session, args.folder)
        backend.search.reindex(session)
        session.commit()
    backend.engine.dispose()
    if args.json:
        print(json.dumps(counts))
    else:
        print(", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0
