"""The presentation loop: take segments from the buffer in order, decode them, show each frame on time.

Frames are paced on the playback clock.  When the next segment is not in the buffer the clock stops
and the state goes to BUFFERING (a rebuffer, unless it is the start or a seek); it restarts as soon as
the segment arrives.  After a (re)start the clock snaps to the first frame, so the picture appears
the moment it is decoded instead of after the segment's composition offset.
"""

from __future__ import annotations

import logging

from app.player.engine.buffer import BufferedSegment
from app.player.engine.context import PlaybackContext
from app.player.engine.decode import UndecodableSegment, audio_frames, video_frames
from app.player.engine.sink import FrameSink
from app.player.engine.state import PlayerState

log = logging.getLogger(__name__)
FRAME_EARLY_S = 0.002  # show a frame this close to its time rather than sleep a sliver


class Presenter:
    def __init__(self, ctx: PlaybackContext, sink: FrameSink) -> None:
        self.ctx = ctx
        self.sink = sink
        self._snap = True  # the next frame shown sets the clock (start, after a stall, after a seek)

    def run(self) -> None:
        ctx = self.ctx
        assert ctx.presentation is not None
        count = ctx.presentation.segment_count
        index = ctx.presentation.segment_index_at(ctx.clock.position())
        generation = ctx.generation
        while True:
            with ctx.cv:
                if ctx.finished:
                    return
                if ctx.generation != generation:
                    generation, index = ctx.generation, ctx.presentation.segment_index_at(ctx.seek_target_s)
                    self._snap = True
                    self.sink.flush()
                if index >= count:
                    self._finish()
                    return
                segment = self._wait_for(index, generation)
                if segment is None:
                    if ctx.finished:
                        return
                    continue
            finished = self._present(segment, generation)
            with ctx.cv:
                if ctx.generation != generation or ctx.finished:
                    continue
                if finished:
                    ctx.qoe.segment_presented(segment.bitrate_kbps, segment.duration_s)
                    ctx.buffer.drop_before(index + 1)
                    index += 1
                else:
                    index = self._after_bad_segment(segment)

    def _wait_for(self, index: int, generation: int) -> BufferedSegment | None:
        """Segment ``index`` once it is buffered (caller holds ``cv``); None to re-check the loop."""
        ctx = self.ctx
        segment = ctx.buffer.get(index)
        if segment is None:
            # Nothing past the last frame shown has played, however late that frame was.
            assert ctx.presentation is not None
            start = ctx.presentation.video[0].segments[index].start_s
            ctx.clock.set(min(ctx.clock.position(), start))
            if ctx.state == PlayerState.PLAYING:
                ctx.clock.stop()
                ctx.qoe.stall_started()
                ctx.listener.on_stall(True, ctx.clock.position(), ctx.since_start())
                ctx.set_state(PlayerState.BUFFERING, f"waiting for segment {index}")
            elif ctx.state == PlayerState.SEEKING:
                ctx.set_state(PlayerState.BUFFERING, f"seeking to {ctx.seek_target_s:.1f} s")
            ctx.wait(0.5)
            return None
        if ctx.state in (PlayerState.BUFFERING, PlayerState.SEEKING) and not ctx.paused:
            if ctx.qoe.stalled:
                ctx.qoe.stall_ended()
                ctx.listener.on_stall(False, ctx.clock.position(), ctx.since_start())
            if ctx.state == PlayerState.SEEKING:
                ctx.set_state(PlayerState.BUFFERING)
            self._snap = True  # the clock restarts on this segment's first frame
            ctx.set_state(PlayerState.PLAYING)
        return segment

    def _present(self, segment: BufferedSegment, generation: int) -> bool:
        """Decode and show ``segment``; False when it could not be decoded."""
        ctx = self.ctx
        self.sink.audio(audio_frames(segment))
        try:
            for frame in video_frames(segment):
                time_s = float(frame.time or 0.0)
                if self._snap and time_s < ctx.seek_target_s - 0.001:
                    continue  # before the seek (or resume) target: decoded, never shown
                if not self._wait_until(time_s, generation):
                    return True  # seek or stop: the loop notices
                self.sink.video(frame, time_s)
                ctx.qoe.frame_shown()
        except UndecodableSegment as exc:
            log.warning("%s (from edge %s)", exc, segment.edge)
            return False
        return True

    def _wait_until(self, time_s: float, generation: int) -> bool:
        """Block until the clock reaches ``time_s``; False if a seek or stop made the frame moot."""
        ctx = self.ctx
        with ctx.cv:
            while True:
                if ctx.generation != generation or ctx.finished:
                    return False
                if ctx.paused:
                    if ctx.state != PlayerState.PAUSED and ctx.state != PlayerState.ERROR:
                        ctx.clock.stop()
                        ctx.set_state(PlayerState.PAUSED)
                    if not self._snap:  # a paused seek still shows its first frame
                        ctx.wait(0.5)
                        continue
                if self._snap:
                    self._snap = False
                    ctx.clock.set(time_s)
                    if not ctx.paused:
                        ctx.clock.start()
                    return True
                if ctx.state == PlayerState.PAUSED:
                    ctx.set_state(PlayerState.PLAYING)
                    ctx.clock.start()
                delay = ctx.clock.wall_seconds_until(time_s - FRAME_EARLY_S)
                if delay <= 0:
                    return True
                ctx.wait(min(delay, 0.05))

    def _after_bad_segment(self, segment: BufferedSegment) -> int:
        """Refetch an undecodable segment (another edge may hold a good copy); skip it after repeats."""
        ctx = self.ctx
        failures = ctx.decode_failures.get(segment.index, 0) + 1
        ctx.decode_failures[segment.index] = failures
        ctx.buffer.discard(segment.index)
        ctx.on_bad_copy(segment.edge)
        ctx.listener.on_edge_failure(segment.edge, f"segment {segment.index} undecodable")
        if failures <= ctx.options.max_decode_failures:
            ctx.cv.notify_all()
            return segment.index
        log.warning("skipping segment %d after %d undecodable copies", segment.index, failures)
        ctx.clock.set(segment.end_s)
        self._snap = True
        return segment.index + 1

    def _finish(self) -> None:
        """Last frame shown: wait out its duration, then ENDED (caller holds ``cv``)."""
        ctx = self.ctx
        assert ctx.presentation is not None
        end = ctx.presentation.duration_s
        while not ctx.finished and ctx.clock.position() < end - 0.01 and ctx.clock.running:
            ctx.wait(min(ctx.clock.wall_seconds_until(end), 0.1))
        if not ctx.stopping and ctx.state != PlayerState.ENDED:
            ctx.clock.stop()
            ctx.clock.set(min(ctx.clock.position(), end))
            ctx.set_state(PlayerState.ENDED, "end of title")
