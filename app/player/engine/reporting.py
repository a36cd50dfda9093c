"""Talking to the backend during playback: heartbeats every 10 s, a final one with the QoE, steering.

A backend that disappears mid-playback must not stop the picture: failures here are logged and the
next tick tries again.  Only an explicit "do not continue" from the backend ends the playback.
"""

from __future__ import annotations

from typing import Protocol

from app.player.engine.events import Snapshot
from app.player.engine.qoe import QoeSummary
from app.player.fetch.edges import Edge


class SessionReporter(Protocol):
    def heartbeat(self, snapshot: Snapshot) -> bool:
        """Record the position; False when the backend says this session must stop."""

    def stop(self, snapshot: Snapshot, qoe: QoeSummary) -> None:
        """The final heartbeat, with the playback's QoE."""

    def steering(self) -> tuple[list[Edge], float] | None:
        """A fresh edge ranking and how long it holds (seconds), or None when there is none."""
