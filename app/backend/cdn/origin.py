"""Origin: serves published immutable objects straight from the media root directory.

Entry points: :func:`build_app` (an ASGI app) and :func:`run_origin` (a blocking server, what
``python -m app.backend.cdn origin`` runs in its own process).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .paths import resolve_under
from .runner import ServerKind, serve
from .server import ServerOptions, TierServer
from .source import Found


class MediaRootSource:
    """Objects are files under the media root; every request is served locally (a "hit")."""

    def __init__(self, media_root: Path) -> None:
        self.root = media_root.resolve()

    async def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    async def close(self) -> None:
        return None

    async def find(self, key: str) -> Found | None:
        path = resolve_under(self.root, key)
        return Found(path, path.stat().st_size, "hit") if path is not None else None

    def forget(self, key: str) -> None:
        return None

    def holding(self, prefix: str) -> tuple[int, int]:
        folder = self.root / prefix
        if not folder.is_dir():
            return 0, 0
        sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
        return len(sizes), sum(sizes)

    def stats(self) -> dict[str, object]:
        return {"mediaRoot": str(self.root)}


@dataclass(frozen=True)
class OriginConfig:
    media_root: Path
    options: ServerOptions = field(default_factory=lambda: ServerOptions(tier="origin"))


def build_app(config: OriginConfig) -> TierServer:
    return TierServer(config.options, MediaRootSource(config.media_root))


def run_origin(
    media_root: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    options: ServerOptions | None = None,
    watch_stdin: bool = False,
    server: ServerKind = "auto",
) -> None:
    """Serve the media root until stopped (``port=0`` picks a free port, printed as a JSON line)."""
    config = OriginConfig(media_root, options or ServerOptions(tier="origin"))
    serve(build_app(config), host, port, watch_stdin=watch_stdin, server=server)
