"""The download loop: pick each segment's rung with our ABR controller and fetch it into the buffer.

It stays ahead of the clock up to ``max_buffer_s``; each request gets a deadline (at least
``min_deadline_s``, more when the buffer or the expected download time allows); a download the buffer
cannot cover is abandoned for a lower rung; two failed attempts in a row drop to the lowest rung; when
no edge answers at all the playback goes to ERROR and retries, up to ``max_retries``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.player.engine.buffer import BufferedSegment
from app.player.engine.context import PlaybackContext
from app.player.engine.events import Decision, Download
from app.player.engine.state import PlayerState
from app.player.fetch.fetcher import Abandoned, Fetcher, FetchStopped, NoEdgeAnswered
from app.player.manifest.model import MediaSegment, Presentation, Resource

log = logging.getLogger(__name__)
ATTEMPTS_BEFORE_DOWNSHIFT = 2


@dataclass(frozen=True, slots=True)
class _Fetched:
    data: bytes
    seconds: float
    edge: str


class Loader:
    def __init__(self, ctx: PlaybackContext, fetcher: Fetcher) -> None:
        self.ctx = ctx
        self.fetcher = fetcher
        self._inits: dict[str, bytes] = {}  # init segments by rendition id, fetched once
        self._failures_in_row = 0
        self._retries = 0
        fetcher.on_failure = self._on_edge_failure

    @property
    def presentation(self) -> Presentation:
        assert self.ctx.presentation is not None
        return self.ctx.presentation

    def run(self) -> None:
        """Fill the buffer until the last segment is in, the viewer stops, or retries run out."""
        ctx = self.ctx
        generation = ctx.generation
        while True:
            with ctx.cv:
                if ctx.stopping or ctx.state == PlayerState.ENDED:
                    return
                if ctx.generation != generation:  # a seek: the buffer was emptied; refill from the target
                    generation = ctx.generation
                    self.fetcher.resume()
                # From the segment on screen: a hole (a discarded undecodable copy) is refetched first.
                index = ctx.buffer.next_missing(self.presentation.segment_index_at(ctx.clock.position()))
                if index >= self.presentation.segment_count:
                    ctx.wait(0.5)
                    continue
                duration = self.presentation.video[0].segments[index].duration_s
                if ctx.buffer_level() + duration > ctx.options.max_buffer_s:
                    ctx.wait(0.25)
                    continue
            try:
                segment = self._load(index)
            except FetchStopped:
                continue
            except NoEdgeAnswered as exc:
                if not self._retry_after(str(exc)):
                    return
                continue
            with ctx.cv:
                if ctx.generation == generation and not ctx.stopping:
                    ctx.buffer.put(segment)
                    ctx.cv.notify_all()

    def _load(self, index: int) -> BufferedSegment:
        """Choose a rung for segment ``index`` and fetch it (video, its init, and its audio)."""
        rung = self._choose(index)
        while True:
            try:
                video, rung = self._fetch_video(index, rung)
                break
            except Abandoned as gave_up:
                self._report_download(index, rung, gave_up.nbytes, gave_up.seconds, "", abandoned=True)
                rung = gave_up.lower
        self._failures_in_row = 0
        self._retries = 0
        rendition = self.presentation.video[rung]
        segment = rendition.segments[index]
        self._report_download(index, rung, len(video.data), video.seconds, video.edge, abandoned=False)
        return BufferedSegment(
            index=index,
            rung=rung,
            bitrate_kbps=self.presentation.bitrates_kbps[rung],
            start_s=segment.start_s,
            duration_s=segment.duration_s,
            video_init=self._init(rendition.id, rendition.init),
            video=video.data,
            audio=self._audio(index),
            edge=video.edge,
        )

    def _choose(self, index: int) -> int:
        ctx, controller = self.ctx, self.ctx.controller
        assert controller is not None
        level = ctx.buffer_wall_s()
        rung = controller.choose(level, index, self.presentation.sizes_at(index))
        reason = controller.last_decision.reason if controller.last_decision else ""
        if ctx.quality_override is not None:
            rung = min(max(ctx.quality_override, 0), len(self.presentation.video) - 1)
            reason = f"manual quality: {self.presentation.video[rung].label}"
        elif self._failures_in_row >= ATTEMPTS_BEFORE_DOWNSHIFT:
            rung, reason = 0, f"{self._failures_in_row} failed requests in a row → lowest rung"
        ctx.listener.on_decision(
            Decision(
                index=index,
                rung=rung,
                bitrate_kbps=self.presentation.bitrates_kbps[rung],
                label=self.presentation.video[rung].label,
                reason=reason,
                buffer_s=level,
                at_s=ctx.since_start(),
            )
        )
        ctx.current_rung = rung
        return rung

    def _fetch_video(self, index: int, rung: int) -> tuple[_Fetched, int]:
        """Fetch at ``rung``; after two failed attempts there, fall back to the lowest rung."""
        controller = self.ctx.controller
        assert controller is not None
        segment = self.presentation.video[rung].segments[index]
        expected = segment.resource.size or self.presentation.bitrates_kbps[rung] * 125 * segment.duration_s

        def progress(done: int, total: int | None, elapsed: float) -> int | None:
            return controller.should_abandon(
                rung, done, int(total or expected), elapsed, self.ctx.buffer_wall_s()
            )

        deadline = self._deadline(expected)
        try:
            got = self.fetcher.fetch(
                segment.resource,
                deadline,
                progress if rung > 0 else None,
                max_attempts=ATTEMPTS_BEFORE_DOWNSHIFT if rung > 0 else None,
            )
        except Abandoned as gave_up:
            controller.record(rung, gave_up.nbytes, gave_up.seconds)
            raise
        except NoEdgeAnswered:
            if rung == 0:
                raise
            self.ctx.current_rung = 0
            return self._fetch_video(index, 0)
        controller.record(rung, len(got.data), got.seconds)
        return _Fetched(got.data, got.seconds, got.edge), rung

    def _deadline(self, expected_bytes: float) -> float:
        """At least the minimum; more when the buffer can wait or the link is known to be slow."""
        estimate = self._estimate()
        needed = 2 * expected_bytes / (estimate * 125) if estimate else 0.0
        return max(self.ctx.options.min_deadline_s, 0.9 * self.ctx.buffer_wall_s(), needed)

    def _estimate(self) -> float | None:
        """Harmonic mean of the recent downloads (kb/s): what the panel plots and deadlines assume."""
        controller = self.ctx.controller
        return controller.history.harmonic_mean() if controller is not None else None

    def _init(self, rendition_id: str, resource: Resource | None) -> bytes:
        if resource is None:
            return b""
        if rendition_id not in self._inits:
            self._inits[rendition_id] = self.fetcher.fetch(resource, self.ctx.options.min_deadline_s).data
        return self._inits[rendition_id]

    def _audio(self, index: int) -> tuple[tuple[bytes, bytes], ...]:
        """The audio segments that start within video segment ``index`` (skipped, not fatal, on failure)."""
        if not self.presentation.audio:
            return ()
        rendition = self.presentation.audio[0]
        parts: list[tuple[bytes, bytes]] = []
        for segment in self.ctx.audio_by_video.get(index, ()):
            try:
                media = self.fetcher.fetch(segment.resource, self.ctx.options.min_deadline_s).data
                parts.append((self._init(rendition.id, rendition.init), media))
            except NoEdgeAnswered as exc:
                log.warning("audio segment %d skipped: %s", segment.number, exc)
        return tuple(parts)

    def _report_download(
        self, index: int, rung: int, nbytes: int, seconds: float, edge: str, abandoned: bool
    ) -> None:
        estimate = self._estimate()
        self.ctx.listener.on_download(
            Download(
                index=index,
                rung=rung,
                bitrate_kbps=self.presentation.bitrates_kbps[rung],
                nbytes=nbytes,
                seconds=seconds,
                throughput_kbps=nbytes * 8 / 1000 / max(seconds, 1e-6),
                estimate_kbps=estimate,
                buffer_s=self.ctx.buffer_level(),
                edge=edge,
                abandoned=abandoned,
                at_s=self.ctx.since_start(),
            )
        )

    def _on_edge_failure(self, edge: str, reason: str) -> None:
        self._failures_in_row += 1
        self.ctx.listener.on_edge_failure(edge, reason)

    def _retry_after(self, reason: str) -> bool:
        """ERROR, then back to BUFFERING after a pause; False once the retries are used up."""
        ctx = self.ctx
        with ctx.cv:
            if ctx.stopping:
                return False
            ctx.error = reason
            ctx.set_state(PlayerState.ERROR, reason)
            self._retries += 1
            if self._retries > ctx.options.max_retries:
                ctx.clock.stop()
                ctx.set_state(PlayerState.ENDED, f"gave up: {reason}")
                return False
            ctx.wait(ctx.options.retry_pause_s)
            if ctx.stopping:
                return False
            ctx.set_state(PlayerState.BUFFERING, f"retry {self._retries} of {ctx.options.max_retries}")
            return True


def map_audio_to_video(presentation: Presentation) -> dict[int, tuple[MediaSegment, ...]]:
    """Each audio segment rides with the video segment its start falls in, so each is fetched once."""
    if not presentation.audio:
        return {}
    mapping: dict[int, list[MediaSegment]] = {}
    for segment in presentation.audio[0].segments:
        index = presentation.segment_index_at(segment.start_s + 0.05)
        mapping.setdefault(index, []).append(segment)
    return {k: tuple(v) for k, v in mapping.items()}
