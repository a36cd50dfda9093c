"""One playback, start to stop: the facade the headless command and the GUI drive.

Three threads do the work — the loader (ABR + downloads), the presenter (decode + pacing) and a keeper
(heartbeats + steering) — and share a :class:`PlaybackContext`.  Every public method is safe to call
from any thread and returns at once; observers hear back through :class:`EngineListener`.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx

from app.player.abr import create_controller
from app.player.engine.clock import PlaybackClock
from app.player.engine.context import PlaybackContext
from app.player.engine.events import EngineListener, Snapshot
from app.player.engine.loader import Loader, map_audio_to_video
from app.player.engine.options import EngineOptions
from app.player.engine.presenter import Presenter
from app.player.engine.qoe import QoeSummary
from app.player.engine.reporting import SessionReporter
from app.player.engine.sink import FrameSink, NullSink
from app.player.engine.state import PlayerState
from app.player.fetch.edges import EdgeSet
from app.player.fetch.fetcher import Fetcher, FetchOptions, FetchStopped, NoEdgeAnswered
from app.player.manifest.load import load_presentation
from app.player.manifest.model import ManifestError, Presentation, Resource

log = logging.getLogger(__name__)
MANIFEST_DEADLINE_S = 5.0


class PlaybackEngine:
    def __init__(
        self,
        edges: EdgeSet,
        options: EngineOptions | None = None,
        listener: EngineListener | None = None,
        sink: FrameSink | None = None,
        reporter: SessionReporter | None = None,
        fetch_options: FetchOptions | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.options = options or EngineOptions()
        self.edges = edges
        self.reporter = reporter
        self.ctx = PlaybackContext(
            options=self.options,
            listener=listener or EngineListener(),
            clock=PlaybackClock(self.options.speed),
            on_bad_copy=edges.failed_named,
        )
        self.ctx.clock.set(self.options.start_position_s)
        self.ctx.seek_target_s = self.options.start_position_s
        self.sink = sink or NullSink()
        self.fetcher = Fetcher(edges, self.options.prefer_format, fetch_options, http_client)
        self._threads: list[threading.Thread] = []
        self._finalised = threading.Event()
        self._finalise_lock = threading.Lock()
        self._summary: QoeSummary | None = None

    # --- commands ---------------------------------------------------------------------------

    def start(self) -> None:
        self._spawn("loader", self._run)

    def pause(self) -> None:
        with self.ctx.cv:
            self.ctx.paused = True
            self.ctx.cv.notify_all()

    def resume(self) -> None:
        with self.ctx.cv:
            self.ctx.paused = False
            self.ctx.cv.notify_all()

    def seek(self, position_s: float) -> None:
        """Jump anywhere: drop the buffer, fetch from the segment holding ``position_s``."""
        ctx = self.ctx
        with ctx.cv:
            if ctx.finished or ctx.presentation is None:
                return
            target = min(max(0.0, position_s), max(ctx.presentation.duration_s - 0.05, 0.0))
            ctx.generation += 1
            ctx.seek_target_s = target
            ctx.buffer.clear()
            ctx.clock.stop()
            ctx.clock.set(target)
            if ctx.qoe.stalled:
                ctx.qoe.stall_ended()  # a seek is not a rebuffer, even if one was under way
            if ctx.state in (PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.BUFFERING):
                ctx.set_state(PlayerState.SEEKING, f"to {target:.1f} s")
            self.fetcher.interrupt()
            ctx.cv.notify_all()

    def set_quality(self, rung: int | None) -> None:
        """Pin the rung (manual quality) or hand the choice back to ABR with None."""
        with self.ctx.cv:
            self.ctx.quality_override = rung

    def stop(self, timeout_s: float = 5.0) -> QoeSummary:
        """End the playback now (or return the summary of one that ended); reports the QoE once."""
        with self.ctx.cv:
            self.ctx.stopping = True
            self.ctx.cv.notify_all()
        self.fetcher.interrupt()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout_s)
        return self._finalise()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the playback has ended and been reported; False on timeout."""
        return self._finalised.wait(timeout_s)

    # --- reading ------------------------------------------------------------------------------

    @property
    def state(self) -> PlayerState:
        return self.ctx.state

    @property
    def presentation(self) -> Presentation | None:
        return self.ctx.presentation

    def snapshot(self) -> Snapshot:
        ctx = self.ctx
        rung = ctx.current_rung
        bitrates = ctx.presentation.bitrates_kbps if ctx.presentation else []
        return Snapshot(
            state=ctx.state,
            position_s=ctx.clock.position(),
            duration_s=ctx.presentation.duration_s if ctx.presentation else 0.0,
            buffer_s=ctx.buffer_level(),
            rung=rung,
            bitrate_kbps=bitrates[rung] if rung is not None and rung < len(bitrates) else None,
        )

    # --- threads ------------------------------------------------------------------------------

    def _spawn(self, name: str, target) -> None:  # noqa: ANN001 - a no-argument callable
        thread = threading.Thread(target=self._guarded(target), name=f"player-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _guarded(self, target):  # noqa: ANN001, ANN202
        """A thread that dies of a bug still ends the playback cleanly, with the error in the summary."""

        def run() -> None:
            try:
                target()
            except Exception as exc:  # last resort: never leave a stuck playback behind
                log.exception("player thread failed")
                self._fail(f"internal error: {exc}")

        return run

    def _run(self) -> None:
        """Load the manifest, then start the presenter and the keeper and run the loader here."""
        ctx = self.ctx
        try:
            presentation = self._load_presentation()
        except FetchStopped:
            self._finalise()
            return
        except (ManifestError, NoEdgeAnswered) as exc:
            self._fail(f"cannot load the manifest: {exc}")
            return
        controller = create_controller(
            self.options.abr, presentation.bitrates_kbps, presentation.segment_seconds
        )
        with ctx.cv:
            ctx.presentation = presentation
            ctx.controller = controller
            ctx.audio_by_video = map_audio_to_video(presentation)
            ctx.clock.set(min(self.options.start_position_s, max(presentation.duration_s - 0.05, 0.0)))
            ctx.seek_target_s = ctx.clock.position()
            ctx.set_state(PlayerState.BUFFERING, "loading the first segment")
        ctx.listener.on_ready(
            presentation.duration_s, presentation.bitrates_kbps, [r.label for r in presentation.video]
        )
        self._spawn("presenter", self._present_then_finalise)
        self._spawn("keeper", self._keep)
        Loader(ctx, self.fetcher).run()

    def _load_presentation(self) -> Presentation:
        """Parse the manifest, fetching it (and HLS media playlists) through edge failover.

        The parser resolves references against the best edge's manifest URL; turning them back into
        paths relative to it lets each fetch go to whichever edge is up at that moment.
        """
        manifest_url = self.edges.ranked()[0].base_for(self.options.prefer_format)
        folder = manifest_url.rsplit("/", 1)[0] + "/"

        def fetch(url: str) -> str:
            reference = url.removeprefix(folder) if url.startswith(folder) else url
            return self.fetcher.fetch_text(Resource(reference), MANIFEST_DEADLINE_S)

        return load_presentation(manifest_url, fetch)

    def _present_then_finalise(self) -> None:
        Presenter(self.ctx, self.sink).run()
        self._finalise()

    def _keep(self) -> None:
        """Heartbeats every interval and steering every TTL, until the playback is over."""
        if self.reporter is None:
            return
        ctx = self.ctx
        next_beat = time.monotonic() + self.options.heartbeat_interval_s
        next_steer = time.monotonic() + self.options.steering_interval_s
        while True:
            with ctx.cv:
                if ctx.finished:
                    return
                ctx.wait(min(next_beat, next_steer) - time.monotonic())
                if ctx.finished:
                    return
            now = time.monotonic()
            if now >= next_beat:
                next_beat = now + self.options.heartbeat_interval_s
                self._beat()
            if now >= next_steer:
                next_steer = now + self._steer()

    def _beat(self) -> None:
        try:
            keep_going = self.reporter.heartbeat(self.snapshot())
        except Exception as exc:  # the backend is down: playback goes on, next tick retries
            log.warning("heartbeat failed: %s", exc)
            return
        if not keep_going:
            self._fail("the backend ended this playback session")

    def _steer(self) -> float:
        try:
            steering = self.reporter.steering()
        except Exception as exc:
            log.warning("steering poll failed: %s", exc)
            return self.options.steering_interval_s
        if steering is None:
            return self.options.steering_interval_s
        ranking, ttl = steering
        self.edges.follow(ranking)
        return max(ttl, 1.0)

    def _fail(self, reason: str) -> None:
        ctx = self.ctx
        with ctx.cv:
            ctx.error = reason
            if ctx.state not in (PlayerState.ENDED, PlayerState.ERROR):
                ctx.set_state(PlayerState.ERROR, reason)
            ctx.clock.stop()
            ctx.set_state(PlayerState.ENDED, reason)
        self.fetcher.interrupt()
        self._finalise()

    def _finalise(self) -> QoeSummary:
        """Summarise, send the final heartbeat with the QoE, tell the listener — exactly once."""
        with self._finalise_lock:
            if self._summary is not None:
                return self._summary
            ctx = self.ctx
            with ctx.cv:
                ctx.stopping = True
                ctx.cv.notify_all()
            summary = ctx.qoe.summary(ctx.error)
            self._summary = summary
        if self.reporter is not None:
            try:
                self.reporter.stop(self.snapshot(), summary)
            except Exception as exc:
                log.warning("final heartbeat failed: %s", exc)
        self.fetcher.close()
        ctx.listener.on_ended(summary)
        self._finalised.set()
        return summary
