"""Run the backend over HTTP with uvicorn: one process on a pre-bound socket, or several workers."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import uvicorn

from app.backend.api.app import create_app
from app.backend.child_process import bind_socket, stop_with_parent
from app.backend.services import Backend, embedded_temporal
from app.config import Settings

log = logging.getLogger(__name__)
HARD_EXIT_AFTER_S = 15.0


def serve(
    settings: Settings, *, workers: int = 1, port_file: Path | None = None, exit_with_parent: bool = False
) -> None:
    """Prepare the database once, then serve until interrupted (or until the parent goes away)."""
    backend = Backend(settings)
    backend.prepare()
    if workers > 1:
        os.environ.update(settings.child_environment())
        # Workers share one embedded Temporal: each would otherwise start its own over the same file.
        shared = embedded_temporal(settings)
        if shared is not None:
            os.environ["MARQUEE_TEMPORAL_ADDRESS"] = shared.start()
        try:
            uvicorn.run(
                "app.backend.api.app:create_app_from_env",
                factory=True,
                host=settings.host,
                port=settings.port,
                workers=workers,
                log_level="warning",
                access_log=False,
            )
        finally:
            if shared is not None:
                shared.stop()
        return
    sock = bind_socket(settings.host, settings.port)
    config = uvicorn.Config(create_app(settings, backend), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if port_file is not None:
        _write_port_file(port_file, sock.getsockname()[1])
    if exit_with_parent:
        stop_with_parent(lambda: _parent_gone(server), hard_exit_after_s=HARD_EXIT_AFTER_S)
    log.info("backend listening on %s:%d", *sock.getsockname()[:2])
    server.run(sockets=[sock])


def _write_port_file(path: Path, port: int) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"port": port, "pid": os.getpid()}))
    os.replace(tmp, path)


def _parent_gone(server: uvicorn.Server) -> None:
    log.info("parent went away; shutting down")
    server.should_exit = True
