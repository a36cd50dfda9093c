"""What the engine tells its observers (the GUI's panels, the headless summary, logs).

Callbacks run on the engine's worker threads: a GUI must hop to its own thread (the Qt bridge does).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.player.engine.qoe import QoeSummary
from app.player.engine.state import PlayerState


@dataclass(frozen=True, slots=True)
class Decision:
    """One ABR choice, with the reason the controller gave."""

    index: int
    rung: int
    bitrate_kbps: int
    label: str  # "720p"
    reason: str
    buffer_s: float
    at_s: float  # seconds since the play request


@dataclass(frozen=True, slots=True)
class Download:
    """One finished (or abandoned) segment download."""

    index: int
    rung: int
    bitrate_kbps: int
    nbytes: int
    seconds: float
    throughput_kbps: float
    estimate_kbps: float | None  # the controller's estimate after recording this sample
    buffer_s: float
    edge: str
    abandoned: bool
    at_s: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Where a playback is, read in one go (status bar, seek bar, heartbeats)."""

    state: PlayerState
    position_s: float
    duration_s: float
    buffer_s: float
    rung: int | None
    bitrate_kbps: int | None


class EngineListener:
    """Override what you need; every method defaults to doing nothing."""

    def on_ready(self, duration_s: float, bitrates_kbps: list[int], labels: list[str]) -> None: ...

    def on_state(self, state: PlayerState, detail: str) -> None: ...

    def on_decision(self, decision: Decision) -> None: ...

    def on_download(self, download: Download) -> None: ...

    def on_stall(self, started: bool, position_s: float, at_s: float) -> None: ...

    def on_edge_failure(self, edge: str, reason: str) -> None: ...

    def on_ended(self, summary: QoeSummary) -> None: ...
