"""Player page (controller): opens a playback off the GUI thread, runs the engine and drives the view.

Each start (play, restart for another network, replay) is a new :class:`_Playback` with its own engine
and bridge.  Background answers carry their playback and bridge events come from its bridge, so
anything that arrives for a playback no longer on screen is dropped, and its engine is stopped off
the GUI thread (stopping joins the engine's threads).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QListWidgetItem

from app.formatting import clock_text
from app.player.engine.engine import PlaybackEngine
from app.player.engine.events import Decision, Download
from app.player.engine.options import EngineOptions
from app.player.engine.qoe import QoeSummary
from app.player.engine.state import PlayerState
from app.player.headless import start_engine
from app.player.network.profiles import PROFILES
from app.player.ui.abr_plots import AbrPoint, AbrSeries
from app.player.ui.playback.audio_output import AudioOutput
from app.player.ui.playback.engine_bridge import (
    EdgeFailure,
    Ended,
    EngineBridge,
    EngineEvent,
    Ready,
    Stall,
    StateChanged,
    VideoImage,
)
from app.player.ui.playback.player_view import PlayerView
from app.player.ui.playback.sources import OpenedSession, PlaybackSource
from app.player.ui.playback.texts import decision_text, failure_text, qoe_html, status_text
from app.ui.tasks import run_in_background

log = logging.getLogger(__name__)
POLL_MS = 200
UNSHAPED = "Unshaped"
RUNNING = (PlayerState.BUFFERING, PlayerState.PLAYING, PlayerState.SEEKING)
EDGE_FAILURE_COLOUR = "#ff9f43"


@dataclass(eq=False)
class _Playback:
    """One engine's life, from opening the session to stopping the engine."""

    title_id: str
    profile_id: str
    network: str | None  # a profile name; None = unshaped
    start_at_s: float | None  # None: ask about the resume point, if the backend has one
    session: OpenedSession | None = None
    bridge: EngineBridge | None = None
    engine: PlaybackEngine | None = None
    series: AbrSeries | None = None
    time_offset_s: float = 0.0  # where this engine's "seconds since the play request" sit on the plots
    stall_from_s: float | None = None
    ended: bool = False


class PlayerController(QObject):
    closed = Signal()  # Back: whoever opened the player shows its own page again
    state_changed = Signal(object, str)  # the current playback's PlayerState and its detail

    def __init__(
        self,
        view: PlayerView,
        source: PlaybackSource,
        options: EngineOptions | None = None,
        audio: AudioOutput | None = None,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.source = source
        self.options = options or EngineOptions()
        self.audio = audio or AudioOutput(self)
        self._current: _Playback | None = None
        self._retiring: set[_Playback] = set()
        self._labels: list[str] = []
        self._paused = False
        self._plot_origin: float | None = None
        self._last_failed: _Playback | None = None  # Play tries it again
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self._fill_networks()
        self._connect_controls()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- commands -----------------------------------------------------------------------------

    @property
    def engine(self) -> PlaybackEngine | None:
        return self._current.engine if self._current is not None else None

    def play(self, title_id: str, profile_id: str, title_name: str = "") -> None:
        """Open ``title_id`` for ``profile_id`` and play it (asking first when there is a resume point)."""
        self.stop()
        self._reset_view()
        self.view.title_label.setText(title_name or title_id)
        self._open(_Playback(title_id, profile_id, self._network(), start_at_s=None))

    def stop(self) -> None:
        """Leave the current playback; its engine stops in the background."""
        playback, self._current = self._current, None
        self.timer.stop()
        self.view.video.set_fullscreen(False)
        self.view.resume_bar.hide()
        if playback is not None:
            self._retire(playback)
        self.audio.flush()

    def shutdown(self) -> None:
        """The app is quitting: stop now, on this thread, so the backend still gets the final report."""
        playback, self._current = self._current, None
        self.timer.stop()
        if playback is not None:
            if playback.bridge is not None:
                playback.bridge.detach()
            if playback.engine is not None:
                playback.engine.stop(timeout_s=2.0)
            if playback.session is not None:
                playback.session.close()
        self.audio.close()

    @property
    def stopping(self) -> int:
        """Playbacks still stopping in the background (tests wait for none)."""
        return len(self._retiring)

    # --- opening and starting ---------------------------------------------------------------

    def _open(self, playback: _Playback) -> None:
        self._current = playback
        self._paused = False
        self._show_message("")
        self.view.status_label.setText("Opening…")
        self.view.set_playing(True)
        source = playback.title_id, playback.profile_id
        self._background(playback, lambda: self.source.open(*source), self._opened)

    def _opened(self, playback: _Playback, session: OpenedSession) -> None:
        playback.session = session
        if playback is not self._current:
            session.close()
            return
        resume = session.playback.resume_position_s
        if playback.start_at_s is None and resume > 0:
            self.view.resume_bar.question.setText(f"Resume from {clock_text(resume)} or start over?")
            self.view.resume_bar.show()
            self.view.status_label.setText("")
            self.view.set_playing(False)
            return
        self._start(playback, playback.start_at_s or 0.0)

    def _resume_chosen(self, from_start: bool) -> None:
        playback = self._current
        if playback is None or playback.session is None or playback.bridge is not None:
            return
        self.view.resume_bar.hide()
        self._start(playback, 0.0 if from_start else playback.session.playback.resume_position_s)

    def _start(self, playback: _Playback, position_s: float) -> None:
        session = playback.session
        assert session is not None
        bridge = EngineBridge(self, self.audio)
        bridge.set_box(self.view.video.frame_box())
        playback.bridge = bridge
        if self._plot_origin is None:
            self._plot_origin = time.monotonic()
        playback.time_offset_s = time.monotonic() - self._plot_origin
        playback.series = self.view.abr_panel.plots.add_series(playback.network or UNSHAPED)
        options = replace(self.options, start_position_s=position_s)
        self.view.status_label.setText("Starting…")
        self.view.set_playing(True)

        def start() -> PlaybackEngine:
            return start_engine(
                session.playback,
                options,
                playback.network,
                reporter=session.reporter,
                listener=bridge,
                sink=bridge,
            )

        self._background(playback, start, self._started)

    def _started(self, playback: _Playback, engine: PlaybackEngine) -> None:
        playback.engine = engine
        if playback is not self._current:
            self._retire(playback)
            return
        override = self.view.quality_combo.currentData()
        if override is not None:
            engine.set_quality(override)
        self.timer.start()

    def _restart(self, position_s: float) -> None:
        """A new session and engine at ``position_s`` (another network profile, or after the end)."""
        old = self._current
        if old is None:
            return
        self.stop()
        self._open(_Playback(old.title_id, old.profile_id, self._network(), start_at_s=position_s))

    def _background(
        self, playback: _Playback, work: Callable[[], Any], done: Callable[[_Playback, Any], None]
    ) -> None:
        """``work`` off the GUI thread; its answer comes back tagged with the playback it was for."""

        def run() -> tuple[_Playback, Callable[[_Playback, Any], None], Any, Exception | None]:
            try:
                return playback, done, work(), None
            except Exception as exc:  # shown to the viewer (or dropped, for a stale playback)
                log.info("playback of %s failed to start: %s", playback.title_id, exc)
                return playback, done, None, exc

        run_in_background(run, self._answered)

    def _answered(
        self, answer: tuple[_Playback, Callable[[_Playback, Any], None], Any, Exception | None]
    ) -> None:
        playback, done, value, error = answer
        if error is None:
            done(playback, value)
            return
        if playback.session is not None:
            playback.session.close()
        if playback is self._current:
            self._current = None
            self.view.status_label.setText("")
            self.view.set_playing(False)
            self._show_message(failure_text(error))
            self._last_failed = playback

    def _retire(self, playback: _Playback) -> None:
        """Detach from a playback that is no longer shown and stop its engine in the background."""
        if playback.bridge is not None:
            playback.bridge.detach()
        engine, session = playback.engine, playback.session
        if engine is None:
            if playback.bridge is None and session is not None:  # it was waiting on the resume question
                session.close()
            return  # an open or a start is in flight: its answer finds the playback stale and retires it
        self._retiring.add(playback)

        def stop() -> _Playback:
            try:
                engine.stop()
            finally:
                if session is not None:
                    session.close()
            return playback

        run_in_background(stop, self._retiring.discard, lambda _message: self._retiring.discard(playback))

    # --- what the engine says (the bridge calls these on the GUI thread) ---------------------

    def engine_event(self, bridge: EngineBridge, event: EngineEvent) -> None:
        playback = self._current
        if playback is None or bridge is not playback.bridge:
            return  # a playback that was stopped or replaced: its news is stale
        match event:
            case Ready():
                self._on_ready(event)
            case StateChanged():
                self._on_state(event)
            case Decision():
                self._on_decision(playback, event)
            case Download():
                self._on_download(playback, event)
            case Stall():
                self._mark_stall(playback, event.started, playback.time_offset_s + event.at_s)
            case EdgeFailure():
                self._log(f"edge {event.edge} failed: {event.reason}", EDGE_FAILURE_COLOUR)
            case Ended():
                self._on_ended(playback, event.summary)

    def engine_frame(self, bridge: EngineBridge, frame: VideoImage) -> None:
        playback = self._current
        if playback is None or bridge is not playback.bridge:
            return
        self.view.video.set_image(frame.image, frame)
        bridge.set_box(self.view.video.frame_box())  # follows resizes, one frame late

    def _on_ready(self, ready: Ready) -> None:
        self._labels = ready.labels
        self.view.seek_bar.set_duration(ready.duration_s)
        combo = self.view.quality_combo
        chosen = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Auto", None)
        for rung in reversed(range(len(ready.labels))):  # best first, as menus usually list quality
            combo.addItem(ready.labels[rung], rung)
        combo.setCurrentIndex(max(combo.findText(chosen), 0))
        combo.blockSignals(False)

    def _on_state(self, change: StateChanged) -> None:
        state = change.state
        if state == PlayerState.PAUSED:
            self.audio.suspend()
        elif state == PlayerState.PLAYING:
            self.audio.resume()
            self._show_message("")
        elif state == PlayerState.ERROR:
            self._show_message(f"Trouble: {change.detail} — retrying…")
        self.view.set_playing(state in RUNNING and not self._paused)
        self._poll()
        self.state_changed.emit(state, change.detail)

    def _on_decision(self, playback: _Playback, decision: Decision) -> None:
        at = playback.time_offset_s + decision.at_s
        playback.series.append(AbrPoint(at, buffer_s=decision.buffer_s, bitrate_kbps=decision.bitrate_kbps))
        self._log(decision_text(decision))

    def _on_download(self, playback: _Playback, download: Download) -> None:
        estimate = download.estimate_kbps / 1000 if download.estimate_kbps is not None else None
        playback.series.append(
            AbrPoint(
                playback.time_offset_s + download.at_s,
                buffer_s=download.buffer_s,
                throughput_mbps=download.throughput_kbps / 1000,
                estimate_mbps=estimate,
            )
        )

    def _on_ended(self, playback: _Playback, summary: QoeSummary) -> None:
        playback.ended = True
        if playback.stall_from_s is not None and self._plot_origin is not None:
            self._mark_stall(playback, False, time.monotonic() - self._plot_origin)
        self._poll()
        self.timer.stop()
        self.view.set_playing(False)
        self.view.abr_panel.qoe.setText(qoe_html(summary))
        self.view.abr_panel.qoe.show()
        self.view.video.set_fullscreen(False)
        if summary.error:
            self._show_message(f"Playback failed: {summary.error}")

    def _poll(self) -> None:
        engine = self.engine
        if engine is None:
            return
        snapshot = engine.snapshot()
        position = (
            min(snapshot.position_s, snapshot.duration_s) if snapshot.duration_s else snapshot.position_s
        )
        self.view.seek_bar.set_position(position, position + snapshot.buffer_s)
        self.view.time_label.setText(f"{clock_text(position)} / {clock_text(snapshot.duration_s)}")
        self.view.status_label.setText(status_text(snapshot, self._labels))

    # --- the viewer's controls ---------------------------------------------------------------

    def _connect_controls(self) -> None:
        view = self.view
        view.back_button.clicked.connect(self._back)
        view.play_button.clicked.connect(self._toggle_play)
        view.seek_bar.seek_requested.connect(self._seek)
        view.volume_slider.valueChanged.connect(lambda value: self.audio.set_volume(value / 100))
        self.audio.set_volume(view.volume_slider.value() / 100)
        view.fullscreen_button.clicked.connect(self._toggle_fullscreen)
        view.video.double_clicked.connect(self._toggle_fullscreen)
        view.quality_combo.currentIndexChanged.connect(self._quality_chosen)
        view.network_combo.currentIndexChanged.connect(self._network_chosen)
        view.resume_bar.resume_button.clicked.connect(lambda: self._resume_chosen(from_start=False))
        view.resume_bar.restart_button.clicked.connect(lambda: self._resume_chosen(from_start=True))
        view.panel_button.toggled.connect(view.abr_panel.setVisible)
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), view)
        space.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        space.activated.connect(self._toggle_play)
        view.video.play_pause_pressed.connect(self._toggle_play)

    def _fill_networks(self) -> None:
        combo = self.view.network_combo
        combo.addItem(UNSHAPED, None)
        for name, description in PROFILES.items():
            combo.addItem(name, name)
            combo.setItemData(combo.count() - 1, description, Qt.ItemDataRole.ToolTipRole)

    def _network(self) -> str | None:
        return self.view.network_combo.currentData()

    def _back(self) -> None:
        self.stop()
        self.closed.emit()

    def pause(self) -> None:
        """Pause what is playing (nothing otherwise): the viewer left the player, e.g. for the studio."""
        playback = self._current
        if playback is None or playback.engine is None or playback.ended or self._paused:
            return
        self._paused = True
        playback.engine.pause()
        self.view.set_playing(False)

    def _toggle_play(self) -> None:
        playback = self._current
        if playback is None:
            failed = self._last_failed
            if failed is not None:  # try again after an error
                self._open(_Playback(failed.title_id, failed.profile_id, self._network(), failed.start_at_s))
            return
        engine = playback.engine
        if engine is None:
            if playback.session is not None and playback.bridge is None:  # Play answers the resume question
                self._resume_chosen(from_start=False)
            return
        if playback.ended:
            self._restart(0.0)
        elif self._paused:
            self._paused = False
            engine.resume()
            self.view.set_playing(True)
        else:
            self.pause()

    def _seek(self, position_s: float) -> None:
        playback = self._current
        if playback is None or playback.engine is None:
            return
        if playback.ended:
            self._restart(position_s)
        else:
            playback.engine.seek(position_s)
            self._poll()

    def _quality_chosen(self, _index: int) -> None:
        if self.engine is not None:
            self.engine.set_quality(self.view.quality_combo.currentData())

    def _network_chosen(self, _index: int) -> None:
        """Shaping is fixed when the engine is built: a running playback restarts where it is."""
        engine = self.engine
        if engine is not None and not self._current.ended:
            self._restart(engine.snapshot().position_s)

    def _toggle_fullscreen(self) -> None:
        self.view.video.set_fullscreen(not self.view.video.is_fullscreen())

    # --- view helpers -------------------------------------------------------------------------

    def _reset_view(self) -> None:
        view = self.view
        view.abr_panel.plots.clear()
        view.abr_panel.decisions.clear()
        view.abr_panel.qoe.hide()
        view.video.set_image(None)
        view.seek_bar.set_duration(0.0)
        view.seek_bar.set_position(0.0, 0.0)
        view.time_label.setText("0:00 / 0:00")
        view.quality_combo.blockSignals(True)
        view.quality_combo.clear()
        view.quality_combo.addItem("Auto", None)
        view.quality_combo.blockSignals(False)
        self._labels = []
        self._plot_origin = None
        self._last_failed = None

    def _show_message(self, text: str) -> None:
        self.view.message.setText(text)
        self.view.message.setVisible(bool(text))

    def _log(self, text: str, colour: str | None = None) -> None:
        item = QListWidgetItem(text)
        if colour is not None:
            item.setForeground(QColor(colour))
        self.view.abr_panel.decisions.addItem(item)
        self.view.abr_panel.decisions.scrollToBottom()

    def _mark_stall(self, playback: _Playback, started: bool, at_s: float) -> None:
        if started:
            playback.stall_from_s = at_s
        elif playback.stall_from_s is not None and playback.series is not None:
            playback.series.add_rebuffer(playback.stall_from_s, max(at_s, playback.stall_from_s))
            playback.stall_from_s = None
