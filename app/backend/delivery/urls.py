"""Signed media URLs per edge: the token sits in the path, so relative segment URLs stay signed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.backend.cdn.signing import signed_path


@dataclass(frozen=True)
class EdgeUrls:
    edge: str
    manifest_url: str
    dash_manifest_url: str | None


def title_prefix(manifest_path: str) -> str:
    """``titles/<id>/``: a token grants one title, every encode of it, and nothing else."""
    parts = manifest_path.split("/")
    return "/".join(parts[:2]) + "/"


def signed_edge_urls(
    edges: list[str],
    session_id: str,
    manifest_path: str,
    dash_manifest_path: str | None,
    key: bytes,
    ttl_s: float,
) -> list[EdgeUrls]:
    prefix = title_prefix(manifest_path)
    base = signed_path(prefix, session_id, int(time.time() + ttl_s), key)
    rest = manifest_path.removeprefix(prefix)
    dash_rest = dash_manifest_path.removeprefix(prefix) if dash_manifest_path else None
    return [
        EdgeUrls(edge, f"{edge}{base}{rest}", f"{edge}{base}{dash_rest}" if dash_rest else None)
        for edge in edges
    ]
