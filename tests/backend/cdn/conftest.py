"""Real CDN tier processes on loopback for the tests, plus small HTTP helpers.

One origin and one edge are shared by the whole folder (tests use distinct object keys, and assert
on metric deltas), so only tests that need a special configuration pay for their own processes.
"""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.backend.cdn.supervisor import ManagedServer

ADMIN_TOKEN = "test-admin-token"
_counter = itertools.count()


@dataclass
class Tier:
    """A running tier server and a client for it."""

    server: ManagedServer
    client: httpx.Client

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.port

    def metrics(self) -> dict:
        return self.client.get("/metrics").json()

    def admin(self, method: str, action: str, body: dict | None = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {ADMIN_TOKEN}"}
        return self.client.request(method, f"/admin/{action}", json=body, headers=headers)


Spawn = Callable[..., Tier]


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cdn")


@pytest.fixture(scope="session")
def media_root(session_dir: Path) -> Path:
    root = session_dir / "media"
    root.mkdir()
    return root


@pytest.fixture(scope="session")
def _spawned() -> Iterator[list[Tier]]:
    tiers: list[Tier] = []
    yield tiers
    for tier in tiers:
        tier.client.close()
        tier.server.stop()


@pytest.fixture(scope="session")
def spawn(_spawned: list[Tier], session_dir: Path) -> Spawn:
    """Start ``python -m app.backend.cdn <args>`` on a free loopback port; stopped at session end."""

    def start(*args: str, env: dict[str, str] | None = None) -> Tier:
        name = f"{args[0]}-{next(_counter)}"
        env = {"MARQUEE_CDN_ADMIN_TOKEN": ADMIN_TOKEN, **(env or {})}
        server = ManagedServer(name, list(args), env=env, log_file=session_dir / f"{name}.log")
        server.start()
        tier = Tier(server, httpx.Client(base_url=server.url, timeout=10.0))
        _spawned.append(tier)
        return tier

    return start


@pytest.fixture(scope="session")
def origin(spawn: Spawn, media_root: Path) -> Tier:
    return spawn("origin", "--media-root", str(media_root))


@pytest.fixture(scope="session")
def edge(spawn: Spawn, origin: Tier, session_dir: Path) -> Tier:
    """The shared edge: 64 MiB cache straight from the origin, no signing."""
    cache_dir = str(session_dir / "edge")
    return spawn("edge", "--upstream", origin.url, "--cache-dir", cache_dir, "--capacity", "64M")


@pytest.fixture
def publish(media_root: Path) -> Callable[..., str]:
    """Write a fresh object under the media root and return its key (unique per call)."""

    def write(size: int = 100_000, title: str | None = None, name: str = "seg.m4s") -> str:
        key = f"titles/{title or f't{next(_counter)}'}/{name}"
        path = media_root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size))
        return key

    return write


def _raw_get(port: int, target: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status_line, _, _ = data.partition(b"\r\n")
    return int(status_line.split()[1]), data


@pytest.fixture(scope="session")
def raw_get() -> Callable[[int, str], tuple[int, bytes]]:
    """Send ``GET target`` byte for byte (clients normalise ``..``, which is what we must test)."""
    return _raw_get
