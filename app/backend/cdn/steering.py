"""Ranking edges for one viewer from their health, load and whether they already hold the title.

Pure logic: the backend's steering service polls each edge's ``/health`` and ``/has?prefix=`` and
calls :func:`rank_edges`. Holding the title matters most (a warm edge serves at once and spares the
hub); load breaks ties; rendezvous hashing on the session id spreads viewers over equally good
edges instead of sending everyone to the first one, while one viewer keeps a stable order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

LOAD_WEIGHT_PER_INFLIGHT = 0.02
WARM_BONUS = 1.0
SPREAD_WEIGHT = 0.05


@dataclass(frozen=True, slots=True)
class EdgeStatus:
    url: str
    healthy: bool
    in_flight: int = 0
    bytes_per_second: float = 0.0
    holds_title: bool = False


def _spread(session_id: str, url: str) -> float:
    digest = hashlib.blake2b(f"{session_id}|{url}".encode(), digest_size=8).digest()
    return int.from_bytes(digest) / 2**64


def score(edge: EdgeStatus, session_id: str, link_bytes_per_second: float = 1.25e9) -> float:
    """Higher is better: warm bonus, minus load (in-flight requests and link utilisation), plus spread."""
    load = LOAD_WEIGHT_PER_INFLIGHT * edge.in_flight + edge.bytes_per_second / link_bytes_per_second
    return (WARM_BONUS if edge.holds_title else 0.0) - load + SPREAD_WEIGHT * _spread(session_id, edge.url)


def rank_edges(edges: list[EdgeStatus], session_id: str) -> list[str]:
    """URLs of the healthy edges, best first; unhealthy edges are left out."""
    healthy = [e for e in edges if e.healthy]
    return [e.url for e in sorted(healthy, key=lambda e: score(e, session_id), reverse=True)]
