"""Run the backend over HTTP with uvicorn: one process on a pre-bound socket, or several workers."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
from pathlib import Path

import uvicorn

from app.backend.api.app import create_app
from app.backend.services import Backend
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
        uvicorn.run(
            "app.backend.api.app:create_app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )
        return
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    config = uvicorn.Config(create_app(settings, backend), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if port_file is not None:
        _write_port_file(port_file, sock.getsockname()[1])
    if exit_with_parent:
        threading.Thread(
            target=_exit_when_parent_dies, args=(server,), name="parent-watch", daemon=True
        ).start()
    log.info("backend listening on %s:%d", *sock.getsockname()[:2])
    server.run(sockets=[sock])


def _write_port_file(path: Path, port: int) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"port": port, "pid": os.getpid()}))
    os.replace(tmp, path)


def _exit_when_parent_dies(server: uvicorn.Server) -> None:
    """Our stdin is a pipe from the parent: EOF means the parent closed it or died."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    log.info("parent went away; shutting down")
    server.should_exit = True
    timer = threading.Timer(HARD_EXIT_AFTER_S, os._exit, args=(0,))
    timer.daemon = True
    timer.start()
