"""The edges a session may fetch from, as API objects (playback/start and the steering endpoint)."""

from __future__ import annotations

from app.backend.api.schemas import EdgeChoice
from app.backend.services import Backend


def edge_choices(
    backend: Backend, session_id: str, manifest_path: str, dash_path: str | None, base: str
) -> list[EdgeChoice]:
    return [
        EdgeChoice(edge=u.edge, manifest_url=u.manifest_url, dash_manifest_url=u.dash_manifest_url)
        for u in backend.delivery.urls_for(session_id, manifest_path, dash_path, base)
    ]
