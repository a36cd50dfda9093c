"""The embedded backend child: starts on a free port, stops cleanly, and never outlives its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from app.client.embedded import EmbeddedBackend
from app.config import Settings

from ..conftest import REPO


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its reaper counts as gone
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_start_serves_health_then_stop_ends_the_child(sqlite_settings: Settings) -> None:
    backend = EmbeddedBackend(sqlite_settings)
    url = backend.start()
    pid = backend.pid
    assert pid is not None
    assert httpx.get(f"{url}/api/v1/health").json() == {"status": "ok"}
    assert httpx.get(f"{url}/api/v1/profiles").status_code == 200
    backend.stop()
    assert _wait_gone(pid, 10)


def test_child_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    parent_code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from app.client.embedded import EmbeddedBackend
        from app.config import Settings
        backend = EmbeddedBackend(Settings(data_dir={str(tmp_path)!r}, demo_titles=10, cdn_edges=1))
        backend.start()
        print(backend.pid, flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    try:
        child_pid = int(parent.stdout.readline())
        assert _alive(child_pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert _wait_gone(child_pid, 20), "backend child survived its parent"
    finally:
        parent.kill()


def test_a_child_that_cannot_start_reports_why(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    backend = EmbeddedBackend(
        Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{blocker}/x.db", cdn_edges=0)
    )
    try:
        backend.start(timeout_s=60)
    except RuntimeError as exc:
        assert "exited with code" in str(exc)
    else:
        raise AssertionError("start should have failed")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the kernel's parent-death signal is Linux's"
)
def test_the_workflow_server_dies_with_a_killed_backend(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", demo_titles=10, cdn_edges=0, demo_playable=0, workflow_enabled=True
    )
    backend = EmbeddedBackend(settings)
    backend.start()
    try:
        assert backend.pid is not None and backend.process is not None
        temporal = [
            p for p in _children(backend.pid) if b"start-dev" in Path(f"/proc/{p}/cmdline").read_bytes()
        ]
        assert len(temporal) == 1
        os.kill(backend.pid, signal.SIGKILL)
        backend.process.wait()
        assert _wait_gone(temporal[0], 10), "the Temporal dev server outlived the backend"
    finally:
        backend.stop()
