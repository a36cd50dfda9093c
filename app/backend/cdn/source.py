"""What a tier serves from: the contract between the shared HTTP server and origin or cache."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .metrics import Outcome
from .upstream import Upstream


@dataclass(frozen=True, slots=True)
class Found:
    """A complete local file for the object, and whether getting it was a hit or a miss."""

    path: Path
    size: int
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Relay:
    """The object exists upstream but is not cacheable here: stream it through."""

    upstream: Upstream
    key: str


class Source(Protocol):
    """Finds objects by key for the shared server (:class:`.server.TierServer`)."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def find(self, key: str) -> Found | Relay | None:
        """The object, a relay for it, or None when it does not exist; may raise ``UpstreamError``."""

    def forget(self, key: str) -> None:
        """A file :meth:`find` returned has vanished (evicted meanwhile)."""

    def holding(self, prefix: str) -> tuple[int, int]:
        """(objects, bytes) held locally under ``prefix``: what steering asks to prefer warm edges."""

    def stats(self) -> dict[str, object]:
        """Numbers for ``/metrics`` and ``/health`` (objects, bytes, capacity, evictions...)."""
