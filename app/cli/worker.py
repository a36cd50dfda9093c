"""``main.py worker``: the studio's encoding workers alone, for encoding hosts beside a remote backend.

The backend submits and controls jobs through Temporal; any number of these processes, on any hosts,
poll its task queues and run the steps (CPU queue always, GPU queue when NVENC opens here). A worker
writes encodes to the media root the backend serves from (shared storage) and records jobs in the same
catalog, so it builds exactly the backend's job store and workflow engine, from the same settings.

SIGTERM or SIGINT stops it gracefully: running steps are interrupted and retried on another worker, from
their last heartbeat (an encode resumes after its last finished segment).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from app.backend.content.job_store import SqlJobStore
from app.backend.db.engine import make_engine, make_session_factory
from app.backend.db.migrate import current_revision
from app.backend.services import workflow_engine
from app.cli.backend_access import data_dir_option
from app.cli.errors import CommandError
from app.config import Settings, load_settings
from app.studio.workflow.engine import START_TIMEOUT_S
from app.studio.workflow.temporal_server import TemporalUnavailable

log = logging.getLogger(__name__)
# How often the main thread looks whether the workers are still alive while it waits for a signal.
_WATCH_INTERVAL_S = 1.0
PREPOSITION_DEFERRED = "deferred to the backend's off-peak pass (published by an encoding host)"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "worker", help="run the studio's encoding workers against a Temporal cluster (encoding hosts)"
    )
    data_dir_option(parser)
    parser.add_argument("--temporal", metavar="HOST:PORT", help="Temporal frontend (default: settings)")
    parser.add_argument("--namespace", help="Temporal namespace (default: settings, 'default')")
    parser.add_argument("--task-queue", metavar="PREFIX", help="task queue prefix (default: settings)")
    parser.add_argument("--encode-slots", type=int, metavar="N", help="CPU activities at once (0: per core)")
    parser.add_argument("--gpu-slots", type=int, metavar="N", help="NVENC encodes at once")
    parser.add_argument("--database-url", metavar="URL", help="the backend's catalog (default: settings)")
    parser.add_argument("--media", type=Path, metavar="DIR", help="shared media root (default: settings)")
    parser.add_argument(
        "--connect-timeout",
        type=float,
        default=START_TIMEOUT_S,
        metavar="SECONDS",
        help=f"give up when Temporal does not answer for this long (default {START_TIMEOUT_S:.0f})",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(
            data_dir=args.data,
            temporal_address=args.temporal,
            temporal_namespace=args.namespace,
            task_queue=args.task_queue,
            encode_slots=args.encode_slots,
            gpu_slots=args.gpu_slots,
            database_url=args.database_url,
            media_dir=args.media,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        raise CommandError(f"invalid worker settings: {problems}") from exc
    if not settings.temporal_address:
        raise CommandError(
            "no Temporal to work for: give --temporal HOST:PORT or set MARQUEE_TEMPORAL_ADDRESS"
        )
    settings.ensure_dirs()
    database = make_engine(settings.resolved_database_url)
    try:
        check_catalog(database, settings)
        return serve_until_signalled(settings, database, args.connect_timeout)
    finally:
        database.dispose()


def check_catalog(database: Engine, settings: Settings) -> None:
    """Refuse to poll for work whose results could not be recorded: the backend migrates, not workers."""
    with database.connect() as connection:
        revision = current_revision(connection)
    if revision is None:
        url = make_url(settings.resolved_database_url).render_as_string(hide_password=True)
        raise CommandError(f"the catalog at {url} has no schema yet: start the backend once (it migrates)")


def serve_until_signalled(settings: Settings, database: Engine, connect_timeout_s: float) -> int:
    store = SqlJobStore(
        make_session_factory(database),
        on_published=lambda _title_id: None,  # the backend's caches expire on their own
        preposition=lambda _title_id: PREPOSITION_DEFERRED,
    )
    engine = workflow_engine(settings, store, workers=True)
    stop = threading.Event()
    with stop_on_signals(stop):
        try:
            engine.start(connect_timeout_s)
        except TemporalUnavailable as exc:
            raise CommandError(str(exc)) from exc
        log.info("encoding worker ready; media root %s", settings.media_root)
        while not stop.wait(_WATCH_INTERVAL_S) and engine.running:
            pass
        log.info("encoding worker stopping")
        engine.stop()
    if engine.failure is not None:
        raise CommandError(f"the workers stopped: {engine.failure}")
    return 0


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop`` (instead of killing the process or raising KeyboardInterrupt)."""
    handled = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, lambda _sig, _frame: stop.set()) for sig in handled}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
