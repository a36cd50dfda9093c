"""Where the player page gets a playback from: the backend's playback/start, or fixed edges.

The page only needs edges, a resume point and (optionally) someone to report heartbeats to; keeping
that behind :class:`PlaybackSource` lets the same page play local media with no backend at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.client.api import ApiClient
from app.player.backend_session import BackendReporter, OpenedPlayback, open_playback
from app.player.fetch.edges import Edge, EdgeSet


@dataclass
class OpenedSession:
    """An opened playback and what reports on it; ``close`` once its engine has stopped."""

    playback: OpenedPlayback
    reporter: BackendReporter | None = None
    client: ApiClient | None = None  # the reporter's: it outlives the background task that opened it

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


class PlaybackSource(Protocol):
    def open(self, title_id: str, profile_id: str) -> OpenedSession:
        """Blocking (network): call off the GUI thread."""
        ...


class BackendSource:
    """POST playback/start with a fresh client, kept for the session's heartbeats and final report."""

    def __init__(self, client_factory: Callable[[], ApiClient]) -> None:
        self.client_factory = client_factory

    def open(self, title_id: str, profile_id: str) -> OpenedSession:
        client = self.client_factory()
        try:
            playback = open_playback(client, title_id, profile_id)
        except BaseException:
            client.close()
            raise
        return OpenedSession(playback, BackendReporter(client, playback), client)


class EdgesSource:
    """Fixed edges and no backend session: a folder of packaged media served over HTTP, tests."""

    def __init__(self, edges: Sequence[Edge], resume_position_s: float = 0.0) -> None:
        self.edges = list(edges)
        self.resume_position_s = resume_position_s

    def open(self, title_id: str, profile_id: str) -> OpenedSession:
        playback = OpenedPlayback(
            session_id=f"local-{title_id}",
            title_id=title_id,
            profile_id=profile_id,
            edges=EdgeSet(list(self.edges)),  # fresh health per playback
            resume_position_s=self.resume_position_s,
            through_cdn=False,
        )
        return OpenedSession(playback)
