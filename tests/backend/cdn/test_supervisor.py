"""The supervisor: a whole origin → hub → edges chain, crash restarts, clean stops, no orphans."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from app.backend.cdn.supervisor import CdnSupervisor


def _gone(pid: int, within_s: float) -> bool:
    """True once ``pid`` has exited (a zombie nobody reaped yet counts as exited)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def _wait_healthy(url: str, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return True
        time.sleep(0.1)
    return False


def test_chain_restart_and_stop(media_root: Path, publish: Callable, tmp_path: Path) -> None:
    key = publish(50_000)
    supervisor = CdnSupervisor(
        media_root, tmp_path, edges=3, edge_capacity_bytes=1 << 20, admin_token="t", check_interval_s=0.2
    )
    with supervisor:
        assert len(set(supervisor.edge_urls)) == 3
        for url in supervisor.edge_urls:
            assert httpx.get(f"{url}/{key}").status_code == 200
        hub = httpx.get(f"{supervisor.hub.url}/metrics").json()
        assert (hub["misses"], hub["hits"]) == (1, 2)  # three edges filled from one hub fetch

        victim = supervisor.edges[0]
        old_pid, port = victim.process.pid, victim.port
        httpx.post(f"{victim.url}/admin/kill", headers={"authorization": "Bearer t"})
        assert _gone(old_pid, 10)
        assert _wait_healthy(victim.url, 15)
        assert victim.restarts == 1 and victim.port == port
        response = httpx.get(f"{victim.url}/{key}")
        assert response.status_code == 200 and response.headers["etag"]
        pids = [managed.process.pid for managed in supervisor.servers]
    assert all(_gone(pid, 5) for pid in pids)


def test_children_exit_when_the_parent_is_killed(media_root: Path, tmp_path: Path) -> None:
    parent = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from app.backend.cdn.supervisor import ManagedServer
        server = ManagedServer("origin", ["origin", "--media-root", {str(media_root)!r}])
        server.start()
        print(server.process.pid, flush=True)
        time.sleep(60)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", parent], stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[3]
    )
    assert process.stdout is not None
    child_pid = int(process.stdout.readline())
    process.kill()
    process.wait()
    assert _gone(child_pid, 10)


def test_a_tier_restarted_on_a_new_port_takes_its_children_along(
    media_root: Path, publish: Callable, tmp_path: Path
) -> None:
    key = publish(10_000)
    supervisor = CdnSupervisor(
        media_root, tmp_path, edges=1, edge_capacity_bytes=1 << 20, check_interval_s=3600
    )
    with supervisor:
        hub, edge = supervisor.hub, supervisor.edges[0]
        old_port = hub.port
        hub.stop()
        with socket.create_server(("127.0.0.1", old_port)):  # someone else took the port meanwhile
            supervisor._restart(hub)
        assert hub.alive() and hub.port != old_port
        assert not edge.alive()  # stopped so that it restarts against the new hub
        supervisor._restart(edge)
        assert httpx.get(f"{edge.url}/{key}").status_code == 200
