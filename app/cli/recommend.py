"""``main.py recommend``: run the recommendation pipeline now, against the configured database."""

from __future__ import annotations

import argparse
import json
import time

from app.backend.services import Backend
from app.cli.backend_access import data_dir_option, settings_from
from app.cli.errors import CommandError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "recommend", help="refit the recommender and refresh every profile's rows now"
    )
    data_dir_option(parser)
    parser.add_argument("--backend", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print {profiles, seconds, calibrationSamples}")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "backend", None):
        raise CommandError(
            "recommend runs against the database; for a running backend POST "
            "/api/v1/recommendations/refresh instead"
        )
    backend = Backend(settings_from(args))
    backend.prepare()
    started = time.perf_counter()
    profiles = backend.recommendations.refresh_all()
    model = backend.recommendations.model
    backend.engine.dispose()
    summary = {
        "profiles": profiles,
        "seconds": round(time.perf_counter() - started, 2),
        "calibrationSamples": model.calibration.samples if model else 0,
    }
    print(json.dumps(summary) if args.json else ", ".join(f"{k}: {v}" for k, v in summary.items()))
    return 0
