"""Run a whole CDN on this machine: an origin, a regional hub and N edges, each its own process.

Qt-free so the embedded backend (and tests) can use it. Children are started on loopback with
``--port 0`` and report the port they bound, so there is no race for free ports; a child that
dies is restarted on the same port (so URLs handed to players stay valid), and every child watches
its stdin so it exits when this process dies, even by SIGKILL: no orphaned servers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from app.runtime import SOURCE_ROOT, self_command

log = logging.getLogger(__name__)
START_TIMEOUT_S = 20.0
# From source the light tier entry point; frozen, the bundle's executable (``marquee edge …``).
DEFAULT_LAUNCHER = tuple(self_command(module="app.backend.cdn"))


class StartFailed(RuntimeError):
    """A tier server did not report that it was listening."""


@dataclass
class ManagedServer:
    """One tier server child process, restartable with the same arguments and port.

    ``upstream`` is the parent tier's server, whose current URL is passed at every start.
    ``launcher`` is the command line that accepts ``python -m app.backend.cdn``'s arguments (by default
    that module, or the frozen app's own executable).
    """

    name: str
    args: list[str]
    host: str = "127.0.0.1"
    env: dict[str, str] = field(default_factory=dict)
    log_file: Path | None = None
    upstream: ManagedServer | None = None
    launcher: list[str] = field(default_factory=lambda: list(DEFAULT_LAUNCHER))
    port: int = 0
    restarts: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        """Start the child and wait until it listens; raises :class:`StartFailed`."""
        cmd = [*self.launcher, *self.args, "--name", self.name]
        cmd += ["--host", self.host, "--port", str(self.port), "--watch-stdin"]
        if self.upstream is not None:
            cmd += ["--upstream", self.upstream.url]
        stderr = self.log_file.open("ab") if self.log_file else None
        try:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=self._environment(),
            )
        finally:
            if stderr:
                stderr.close()
        self.port = self._await_port(self.process)

    def _environment(self) -> dict[str, str]:
        """Ours plus this server's, with the project importable whatever the working directory."""
        env = {**os.environ, **self.env}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE_ROOT), env.get("PYTHONPATH")]))
        return env

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout_s: float = 5.0) -> None:
        """Close stdin (a graceful stop), then terminate, then kill."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            if process.stdin:
                process.stdin.close()
        for escalate in (process.terminate, process.kill):
            try:
                process.wait(timeout_s)
                break
            except subprocess.TimeoutExpired:
                escalate()
        process.wait()
        if process.stdout:
            process.stdout.close()

    def _await_port(self, process: subprocess.Popen[bytes]) -> int:
        """The port from the child's readiness line (other stdout lines are skipped)."""
        ports: queue.Queue[int | None] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout

        def read_ready_line() -> None:
            for line in stdout:
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    message = orjson.loads(line)
                    if message.get("event") == "listening":
                        ports.put(int(message["port"]))
                        return
            ports.put(None)

        threading.Thread(target=read_ready_line, daemon=True).start()
        try:
            port = ports.get(timeout=START_TIMEOUT_S)
        except queue.Empty:
            port = None
        if port is None:
            process.kill()
            process.wait()
            raise StartFailed(f"{self.name} did not start (exit code {process.returncode})")
        return port


class CdnSupervisor:
    """Starts origin → hub → edges, restarts crashed ones, and stops them all.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. URLs are available after start.
    """

    def __init__(
        self,
        media_root: Path,
        cache_root: Path,
        *,
        edges: int = 3,
        edge_capacity_bytes: int = 2 << 30,
        hub_capacity_bytes: int = 8 << 30,
        signing_key: bytes | None = None,
        require_signature: bool = False,
        admin_token: str | None = None,
        traces_dir: Path | None = None,
        host: str = "127.0.0.1",
        log_dir: Path | None = None,
        check_interval_s: float = 0.5,
        launcher: list[str] | None = None,
    ) -> None:
        if edges < 1:
            raise ValueError("need at least one edge")
        secrets = {}
        if admin_token:
            secrets["MARQUEE_CDN_ADMIN_TOKEN"] = admin_token
        common = ["--traces-dir", str(traces_dir)] if traces_dir else []

        def server(
            name: str, args: list[str], upstream: ManagedServer | None, env: dict[str, str] | None = None
        ) -> ManagedServer:
            log_file = log_dir / f"{name}.log" if log_dir else None
            env = {**secrets, **(env or {})}
            return ManagedServer(
                name, [*args, *common], host, env, log_file, upstream, list(launcher or DEFAULT_LAUNCHER)
            )

        self.origin = server("origin", ["origin", "--media-root", str(media_root)], None)
        hub_args = ["hub", "--cache-dir", str(cache_root / "hub"), "--capacity", str(hub_capacity_bytes)]
        self.hub = server("hub", hub_args, self.origin)
        edge_env = {"MARQUEE_CDN_SIGNING_KEY": signing_key.decode()} if signing_key else {}
        edge_args = ["--capacity", str(edge_capacity_bytes)]
        if require_signature:
            edge_args.append("--require-signature")
        self.edges = [
            server(
                f"edge-{i}",
                ["edge", "--cache-dir", str(cache_root / f"edge-{i}"), *edge_args],
                self.hub,
                edge_env,
            )
            for i in range(edges)
        ]
        self._check_interval_s = check_interval_s
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._monitor: threading.Thread | None = None

    @property
    def servers(self) -> list[ManagedServer]:
        return [self.origin, self.hub, *self.edges]

    @property
    def edge_urls(self) -> list[str]:
        return [edge.url for edge in self.edges]

    def start(self) -> None:
        """Start every tier in dependency order; on failure, stop what was started and raise."""
        self._stopping.clear()
        try:
            for managed in self.servers:
                managed.start()
        except StartFailed:
            self.stop()
            raise
        self._monitor = threading.Thread(target=self._watch, name="cdn-supervisor", daemon=True)
        self._monitor.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._monitor is not None:
            self._monitor.join()
            self._monitor = None
        with self._lock:
            for managed in reversed(self.servers):
                managed.stop()

    def __enter__(self) -> CdnSupervisor:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _watch(self) -> None:
        """Restart dead children, backing off when one keeps dying right after its start."""
        next_try: dict[str, float] = {}
        while not self._stopping.wait(self._check_interval_s):
            with self._lock:
                for managed in self.servers:
                    if managed.alive() or time.monotonic() < next_try.get(managed.name, 0.0):
                        continue
                    self._restart(managed)
                    next_try[managed.name] = time.monotonic() + min(10.0, 0.5 * managed.restarts)

    def _restart(self, managed: ManagedServer) -> None:
        """Restart on the same port if possible; on a new port, restart the tiers that fill from it."""
        log.warning("CDN %s exited; restarting it on port %d", managed.name, managed.port)
        managed.stop(timeout_s=1.0)
        managed.restarts += 1
        port = managed.port
        try:
            managed.start()
        except StartFailed:
            log.warning("CDN %s could not restart on port %d; trying a new port", managed.name, port)
            managed.port = 0
            with contextlib.suppress(StartFailed):
                managed.start()
        if managed.alive() and managed.port != port:
            for child in self.servers:
                if child.upstream is managed and child.alive():
                    child.stop()  # the next round restarts it pointing at the new port
