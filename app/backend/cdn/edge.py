"""Edge and regional hub: the caching tier server (a hub is an edge whose upstream is the origin).

Entry points: :func:`build_app` (an ASGI app, for embedding or tests) and :func:`run_edge` (a
blocking server, what ``python -m app.backend.cdn edge|hub`` runs in its own process).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .coalesce import Coalescer
from .runner import ServerKind, serve
from .server import ServerOptions, TierServer
from .source import Found, Relay
from .store import DiskStore
from .upstream import FillResult, NotFound, Stored, Upstream


class CachingSource:
    """Objects from the disk cache, filled from the parent tier on a miss (one fetch per object)."""

    def __init__(self, upstream_url: str, cache_dir: Path, capacity_bytes: int, policy: str) -> None:
        self.store = DiskStore(cache_dir, capacity_bytes, policy)
        self.upstream = Upstream(upstream_url)
        self.policy = policy
        self._fills: Coalescer[FillResult] = Coalescer()
        self.upstream_fetches = 0

    async def start(self) -> None:
        self.store.open()

    async def close(self) -> None:
        self.store.close()
        await self.upstream.close()

    async def find(self, key: str) -> Found | Relay | None:
        path = self.store.lookup(key)
        if path is not None:
            size = self.store.index.size_of(key)
            assert size is not None
            return Found(path, size, "hit")
        result = await self._fills.run(key, lambda: self._fill(key))
        if isinstance(result, Stored):
            return Found(result.path, result.size, "miss")
        if isinstance(result, NotFound):
            return None
        return Relay(self.upstream, key)

    async def _fill(self, key: str) -> FillResult:
        self.upstream_fetches += 1
        return await self.upstream.fill(key, self.store)

    def forget(self, key: str) -> None:
        self.store.forget(key)

    def holding(self, prefix: str) -> tuple[int, int]:
        index = self.store.index
        sizes = [index.size_of(key) or 0 for key in index.keys_with_prefix(prefix)]
        return len(sizes), sum(sizes)

    def stats(self) -> dict[str, object]:
        index = self.store.index
        return {
            "policy": self.policy,
            "objects": len(index),
            "usedBytes": index.used_bytes,
            "capacityBytes": index.capacity_bytes,
            "evictions": index.evictions,
            "upstreamFetches": self.upstream_fetches,
            "coalesced": self._fills.joined,
            "fillsInFlight": len(self._fills),
        }


@dataclass(frozen=True)
class EdgeConfig:
    """An edge (or hub): where to fill from, where to cache, how much, and the shared options."""

    upstream: str
    cache_dir: Path
    capacity_bytes: int
    policy: str = "lfu-da"
    options: ServerOptions = field(default_factory=lambda: ServerOptions(tier="edge"))


def build_app(config: EdgeConfig) -> TierServer:
    source = CachingSource(config.upstream, config.cache_dir, config.capacity_bytes, config.policy)
    return TierServer(config.options, source)


def run_edge(
    upstream: str,
    cache_dir: Path,
    capacity_bytes: int,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    policy: str = "lfu-da",
    options: ServerOptions | None = None,
    watch_stdin: bool = False,
    server: ServerKind = "auto",
) -> None:
    """Serve an edge until stopped (``port=0`` picks a free port, printed as a JSON line)."""
    config = EdgeConfig(upstream, cache_dir, capacity_bytes, policy, options or ServerOptions(tier="edge"))
    serve(build_app(config), host, port, watch_stdin=watch_stdin, server=server)
