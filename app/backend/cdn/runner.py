"""Running one tier server in this process: pick the HTTP server, report readiness, die with the parent.

Two servers can run the same ASGI app:

* **granian** (preferred when installed): a Rust HTTP server that implements the ASGI
  ``http.response.pathsend`` extension, so a cache hit is sent by the server straight from the file,
  sendfile-class; the benchmark measures it within reach of nginx.
* **uvicorn** (always available): the app streams the file in 1 MiB chunks through Python.

Readiness: once the app's source is open (cache index rebuilt) one JSON line
``{"event": "listening", "port": P, "pid": N}`` goes to stdout; a supervisor reads it. ``port=0``
picks a free port. Watching stdin lets a child stop with its parent on every OS: the pipe closes
when the parent goes away, even when it is SIGKILLed.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
from typing import Literal

import orjson

from app.backend.child_process import bind_socket, stop_with_parent

from .server import TierServer

ServerKind = Literal["auto", "granian", "uvicorn"]


def serve(
    app: TierServer, host: str, port: int, *, watch_stdin: bool = False, server: ServerKind = "auto"
) -> None:
    """Run ``app`` until SIGTERM/SIGINT (or stdin EOF when ``watch_stdin``)."""
    if server == "auto":
        server = "granian" if importlib.util.find_spec("granian") else "uvicorn"
    run = _run_granian if server == "granian" else _run_uvicorn
    run(app, host, port, watch_stdin)


def _announce(port: int) -> None:
    ready = {"event": "listening", "port": port, "pid": os.getpid()}
    print(orjson.dumps(ready).decode(), flush=True)


def _run_uvicorn(app: TierServer, host: str, port: int, watch_stdin: bool) -> None:
    import uvicorn

    sock = bind_socket(host, port)
    sock.listen(1024)
    config = uvicorn.Config(
        app, lifespan="on", access_log=False, log_level="warning", loop="uvloop", http="httptools"
    )
    server = uvicorn.Server(config)
    if watch_stdin:
        stop_with_parent(lambda: setattr(server, "should_exit", True))
    app.on_ready.append(lambda: _announce(sock.getsockname()[1]))
    server.run(sockets=[sock])


def _run_granian(app: TierServer, host: str, port: int, watch_stdin: bool) -> None:
    """granian's embedded server in this process's event loop (it binds the port itself)."""
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server.embed import Server

    if port == 0:
        with bind_socket(host, 0) as probe:  # granian binds by number: find a free one first
            port = probe.getsockname()[1]
    to_stderr = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    server = Server(
        app,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        backlog=1024,
        log_level=LogLevels.error,  # its "embedded server is experimental" warning is noise here
        log_dictconfig={  # stdout carries only the readiness line
            "handlers": {"console": {**to_stderr, "formatter": "generic"}, "access": {**to_stderr}}
        },
    )

    async def announce_once_accepting(started: asyncio.Event) -> None:
        """granian binds after the app's startup, so readiness waits for a connect to succeed."""
        await started.wait()
        while True:
            try:
                _, writer = await asyncio.open_connection(host, port)
            except OSError:
                await asyncio.sleep(0.02)
                continue
            writer.close()
            _announce(port)
            return

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, server.stop)
        if watch_stdin:
            stop_with_parent(lambda: loop.call_soon_threadsafe(server.stop))
        started = asyncio.Event()
        app.on_ready.append(started.set)
        announcer = asyncio.ensure_future(announce_once_accepting(started))
        await server.serve()
        announcer.cancel()

    asyncio.run(main())
