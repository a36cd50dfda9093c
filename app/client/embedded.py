"""Run the backend as a child process on a free loopback port, and make sure it dies with us.

The child binds port 0 itself and reports the port through a small file, so there is no race for a
port. It watches its stdin: when this process exits for any reason, SIGKILL included, the pipe
closes and the child shuts down, so no orphan backend survives the app.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

from app.client.api import ApiClient
from app.config import Settings
from app.runtime import self_command

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class BackendStartError(RuntimeError):
    pass


class EmbeddedBackend:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url: str | None = None
        self.log_path = settings.logs_dir / "backend.log"

    def start(self, timeout_s: float = START_TIMEOUT_S) -> str:
        """Start the child and wait until its health endpoint answers; returns its base URL."""
        self.settings.ensure_dirs()
        port_file = Path(tempfile.mkdtemp(prefix="marquee-")) / "port.json"
        command = [
            *self_command("serve"),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--exit-with-parent",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.settings.child_environment(),
            )
        deadline = time.monotonic() + timeout_s
        port = self._wait_for_port(port_file, deadline)
        self.base_url = f"http://127.0.0.1:{port}"
        with ApiClient(self.base_url) as client:
            while not client.health():
                self._check_alive()
                if time.monotonic() > deadline:
                    self.stop()
                    raise BackendStartError(f"backend did not become healthy within {timeout_s:.0f} s")
                time.sleep(0.05)
        return self.base_url

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Ask the child to finish (closing its stdin), then terminate, then kill."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.stdin:
            process.stdin.close()
        for action in (None, process.terminate, process.kill):
            if action:
                action()
            try:
                process.wait(timeout=timeout_s / 2)
                return
            except subprocess.TimeoutExpired:
                continue

    def _wait_for_port(self, port_file: Path, deadline: float) -> int:
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                return int(json.loads(port_file.read_text())["port"])
            except (FileNotFoundError, ValueError, KeyError):
                time.sleep(0.05)
        self.stop()
        raise BackendStartError("backend did not report its port in time")

    def _check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            code = self.process.returncode
            self.process = None
            raise BackendStartError(f"backend exited with code {code}: {self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "no output"
