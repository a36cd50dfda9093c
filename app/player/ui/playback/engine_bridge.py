"""The engine's listener and frame sink, handing everything the engine says to the GUI thread.

The engine calls its listener and sink on its own worker threads (often holding its lock), so the
bridge never touches a widget there: it converts, queues and asks Qt to run :meth:`_drain` on the GUI
thread, which hands the events and the newest frame to a :class:`BridgeReceiver` (the controller).
Video is converted to a QImage at the surface's size off the GUI thread, and only the newest picture
is kept: when the GUI lags, frames are dropped instead of piling up in its queue.

Why a queue and one ``QMetaObject.invokeMethod`` rather than a Qt signal per event: a single queued
call drains whatever has piled up, so a busy GUI thread sees one event per batch, not one per frame.
It also steers clear of PySide6 6.12.0 on Python 3.11, where every Python-side ``Signal.emit`` drops a
reference to ``True`` (fatal after a few thousand emits); a no-argument ``invokeMethod`` is clean.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Protocol

import av
import numpy as np
from PySide6.QtCore import QMetaObject, QObject, QSize, Qt, Slot
from PySide6.QtGui import QImage
from shiboken6 import isValid

from app.player.engine.events import Decision, Download, EngineListener
from app.player.engine.qoe import QoeSummary
from app.player.engine.state import PlayerState
from app.player.ui.playback.audio_output import AudioOutput


@dataclass(frozen=True)
class VideoImage:
    """A frame ready to paint; ``pixels`` owns the memory ``image`` points into (QImage does not copy)."""

    image: QImage
    pixels: np.ndarray
    time_s: float


@dataclass(frozen=True)
class Ready:
    duration_s: float
    bitrates_kbps: list[int]
    labels: list[str]


@dataclass(frozen=True)
class StateChanged:
    state: PlayerState
    detail: str


@dataclass(frozen=True)
class Stall:
    started: bool
    position_s: float
    at_s: float


@dataclass(frozen=True)
class EdgeFailure:
    edge: str
    reason: str


@dataclass(frozen=True)
class Ended:
    summary: QoeSummary


EngineEvent = Ready | StateChanged | Decision | Download | Stall | EdgeFailure | Ended


class BridgeReceiver(Protocol):
    """Called on the GUI thread, in the order the engine spoke."""

    def engine_event(self, bridge: EngineBridge, event: EngineEvent) -> None: ...

    def engine_frame(self, bridge: EngineBridge, frame: VideoImage) -> None: ...


def fitted_size(width: int, height: int, box: QSize) -> tuple[int, int]:
    """``width`` × ``height`` scaled to fit ``box`` with its aspect kept; as is for an empty box."""
    if box.width() <= 0 or box.height() <= 0 or width <= 0 or height <= 0:
        return width, height
    scale = min(box.width() / width, box.height() / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def frame_to_image(frame: av.VideoFrame, box: QSize, time_s: float) -> VideoImage:
    """Scale and convert in one swscale pass, which is cheaper and sharper than QPainter scaling later."""
    width, height = fitted_size(frame.width, frame.height, box)
    # FFmpeg pads rows for SIMD; a padded array is a strided view QImage cannot take as one buffer.
    pixels = np.ascontiguousarray(frame.reformat(width=width, height=height, format="rgb24").to_ndarray())
    image = QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB888)
    return VideoImage(image, pixels, time_s)


class EngineBridge(QObject, EngineListener):
    """One per playback; :meth:`detach` before stopping its engine so late callbacks go nowhere."""

    def __init__(self, receiver: BridgeReceiver, audio_output: AudioOutput | None = None) -> None:
        super().__init__()
        self.receiver = receiver
        self.audio_output = audio_output
        self.frames_converted = 0
        self._lock = threading.Lock()
        self._box = QSize()
        self._events: deque[EngineEvent] = deque()
        self._latest: VideoImage | None = None
        self._scheduled = False  # a _drain is queued on the GUI thread
        self._attached = True

    # --- GUI thread ---------------------------------------------------------------------------

    def set_box(self, size: QSize) -> None:
        """The surface's size in device pixels; frames are scaled to fit it."""
        with self._lock:
            self._box = QSize(size)

    def detach(self) -> None:
        """Stop forwarding: the playback is being replaced or stopped (its engine may still call in)."""
        with self._lock:
            self._attached = False
            self._events.clear()
            self._latest = None

    @Slot()
    def _drain(self) -> None:
        with self._lock:
            events, self._events = list(self._events), deque()
            frame, self._latest = self._latest, None
            self._scheduled = False
            attached = self._attached
        if not attached or not isValid(self.receiver):  # the page is gone
            return
        for event in events:
            self.receiver.engine_event(self, event)
        if frame is not None:
            self.receiver.engine_frame(self, frame)

    # --- engine threads -------------------------------------------------------------------------

    def _post(self, event: EngineEvent | None = None, frame: VideoImage | None = None) -> None:
        with self._lock:
            if not self._attached:
                return
            if event is not None:
                self._events.append(event)
            if frame is not None:
                self._latest = frame
                self.frames_converted += 1
            schedule, self._scheduled = not self._scheduled, True
        if schedule:
            QMetaObject.invokeMethod(self, "_drain", Qt.ConnectionType.QueuedConnection)

    # FrameSink

    def video(self, frame: av.VideoFrame, time_s: float) -> None:
        with self._lock:
            if not self._attached:
                return
            box = QSize(self._box)
        self._post(frame=frame_to_image(frame, box, time_s))

    def audio(self, frames: list[av.AudioFrame]) -> None:
        if self._attached and self.audio_output is not None:
            self.audio_output.enqueue(frames)

    def flush(self) -> None:
        with self._lock:
            self._latest = None
            if not self._attached:  # the audio output is the next playback's by now
                return
        if self.audio_output is not None:
            self.audio_output.flush()

    # EngineListener

    def on_ready(self, duration_s: float, bitrates_kbps: list[int], labels: list[str]) -> None:
        self._post(Ready(duration_s, list(bitrates_kbps), list(labels)))

    def on_state(self, state: PlayerState, detail: str) -> None:
        self._post(StateChanged(state, detail))

    def on_decision(self, decision: Decision) -> None:
        self._post(decision)

    def on_download(self, download: Download) -> None:
        self._post(download)

    def on_stall(self, started: bool, position_s: float, at_s: float) -> None:
        self._post(Stall(started, position_s, at_s))

    def on_edge_failure(self, edge: str, reason: str) -> None:
        self._post(EdgeFailure(edge, reason))

    def on_ended(self, summary: QoeSummary) -> None:
        self._post(Ended(summary))
