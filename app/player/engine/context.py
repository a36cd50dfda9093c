"""The state one playback's threads share, and the one condition variable they coordinate on.

The loader (downloads), the presenter (decodes and paces frames) and the engine facade (user commands)
each own their loop; everything they must agree on lives here, changed only under ``cv`` and followed
by ``notify_all`` so every waiting loop re-checks.  A seek bumps ``generation``: work begun for an older
generation is thrown away.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.player.abr import Controller
from app.player.engine.buffer import SegmentBuffer
from app.player.engine.clock import PlaybackClock
from app.player.engine.events import EngineListener
from app.player.engine.options import EngineOptions
from app.player.engine.qoe import QoeTracker
from app.player.engine.state import PlayerState, check_transition
from app.player.manifest.model import MediaSegment, Presentation

log = logging.getLogger(__name__)


@dataclass
class PlaybackContext:
    options: EngineOptions
    listener: EngineListener
    clock: PlaybackClock
    buffer: SegmentBuffer = field(default_factory=SegmentBuffer)
    qoe: QoeTracker = field(default_factory=QoeTracker)
    cv: threading.Condition = field(default_factory=threading.Condition)
    state: PlayerState = PlayerState.INITIALIZING
    presentation: Presentation | None = None
    controller: Controller | None = None
    audio_by_video: dict[int, tuple[MediaSegment, ...]] = field(default_factory=dict)
    generation: int = 0
    seek_target_s: float = 0.0
    paused: bool = False  # what the viewer asked for; the state says what is happening
    stopping: bool = False
    error: str | None = None
    quality_override: int | None = None
    current_rung: int | None = None
    decode_failures: dict[int, int] = field(default_factory=dict)
    on_bad_copy: Callable[[str], None] = lambda _edge: None  # an edge served an undecodable segment

    def since_start(self) -> float:
        return time.monotonic() - self.qoe.requested_at

    def set_state(self, new: PlayerState, detail: str = "") -> None:
        """Move the state machine (caller holds ``cv``) and tell the listener."""
        if new == self.state:
            return
        check_transition(self.state, new)
        log.debug("state %s → %s %s", self.state, new, detail)
        self.state = new
        self.cv.notify_all()
        self.listener.on_state(new, detail)

    @property
    def finished(self) -> bool:
        return self.stopping or self.state == PlayerState.ENDED

    def buffer_level(self) -> float:
        """Seconds of media buffered ahead of the clock."""
        if self.presentation is None:
            return 0.0
        position = self.clock.position()
        return self.buffer.level(self.presentation.segment_index_at(position), position)

    def buffer_wall_s(self) -> float:
        """The buffer as real seconds until it runs dry: what ABR, deadlines and abandonment reason with.

        Equal to :meth:`buffer_level` at normal speed; a clock running faster drains it faster.
        """
        return self.buffer_level() / self.clock.speed

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds`` or until something changes (caller holds ``cv``)."""
        self.cv.wait(max(seconds, 0.001))
