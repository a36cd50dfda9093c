"""A playback as the backend sees it: opening the session, heartbeats, steering, the final QoE report.

The engine knows nothing of HTTP APIs; this adapter turns the platform's playback endpoints into the
engine's :class:`SessionReporter` and the playback/start answer into an :class:`EdgeSet`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from app.client.api import ApiClient, ApiError
from app.player.engine.events import Snapshot
from app.player.engine.qoe import QoeSummary
from app.player.fetch.edges import Edge, EdgeSet

log = logging.getLogger(__name__)
FINISHED_FRACTION = 0.9  # a "finish" event for the recommender once this much was watched


@dataclass(frozen=True)
class OpenedPlayback:
    session_id: str
    title_id: str
    profile_id: str
    edges: EdgeSet
    resume_position_s: float
    through_cdn: bool  # False when the backend serves the media itself (no edges to shape for us)


def edges_from(answer: list[dict[str, Any]]) -> list[Edge]:
    return [Edge(e["edge"], e["manifestUrl"], e.get("dashManifestUrl")) for e in answer]


def open_playback(client: ApiClient, title_id: str, profile_id: str) -> OpenedPlayback:
    """POST playback/start: entitlement checks, the resume point and the ranked, signed edges."""
    answer = client.start_playback(title_id, profile_id)
    edges = edges_from(answer["edges"])
    return OpenedPlayback(
        session_id=answer["sessionId"],
        title_id=title_id,
        profile_id=profile_id,
        edges=EdgeSet(edges),
        resume_position_s=float(answer.get("resumePosition") or 0.0),
        through_cdn=any(e.name.rstrip("/") != client.base_url.rstrip("/") for e in edges),
    )


class BackendReporter:
    """The engine's :class:`SessionReporter` over the playback API, plus the viewer events."""

    def __init__(self, client: ApiClient, playback: OpenedPlayback) -> None:
        self.client = client
        self.playback = playback

    def started(self) -> None:
        self._event("play", self.playback.resume_position_s)

    def heartbeat(self, snapshot: Snapshot) -> bool:
        return self.client.heartbeat(
            self.playback.session_id, snapshot.position_s, snapshot.bitrate_kbps or 0, snapshot.buffer_s
        )

    def stop(self, snapshot: Snapshot, qoe: QoeSummary) -> None:
        position = snapshot.position_s
        self.client.stop_playback(
            self.playback.session_id, position, snapshot.bitrate_kbps or 0, snapshot.buffer_s, qoe.to_json()
        )
        finished = snapshot.duration_s > 0 and position >= FINISHED_FRACTION * snapshot.duration_s
        self._event("finish" if finished else "progress", position)

    def steering(self) -> tuple[list[Edge], float] | None:
        answer = self.client.steering(self.playback.session_id)
        edges = edges_from(answer.get("edges", []))
        return (edges, float(answer.get("TTL", 30))) if edges else None

    def _event(self, kind: str, value: float) -> None:
        """Best effort: a lost viewing event costs the recommender one signal, never the playback."""
        event = {"profileId": self.playback.profile_id, "titleId": self.playback.title_id, "type": kind}
        try:
            self.client.send_events([{**event, "value": round(value, 3)}])
        except ApiError as exc:
            log.warning("could not record the %s event: %s", kind, exc)
