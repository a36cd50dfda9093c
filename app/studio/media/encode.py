"""Encode a ladder: decode the master once, feed every rung's encoder in its own thread.

Segment boundaries are decided *here*, from source timestamps, identically for every rung and codec: the
first frame at or after ``k × segment_seconds`` starts segment ``k`` and is sent as a forced I picture
(encoders are configured so that becomes an IDR and nothing else is). Decoded frames keep the source's
picture types, so every other frame is reset to ``NONE``; otherwise encoders would copy the source's
keyframes and segments would drift.

Resuming: each rung restarts after its last finished segment (see :mod:`segmenter`); the master is decoded
from the earliest segment any unfinished rung needs, and each rung ignores frames before its own start.
Because every segment begins with a forced IDR, a freshly opened encoder continues the rung seamlessly.

Per-shot rungs carry their bit allocation as zones (see :mod:`pershot`); x264 and x265 apply them as
rate-control zones over frame ranges of the one stream, numbered from the first frame the (possibly
resumed) encoder gets. Encoders without zones (SVT-AV1, NVENC) get it segment by segment instead: a new
encoder at the planned rate of each segment where that rate changes, which the IDR every segment starts
with makes as seamless as a resume.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.video.frame import PictureType
from av.video.reformatter import Interpolation, VideoReformatter

from app.studio.media.codecs import ZONE_ENCODERS, GpuMode, encoder_options, family_of, select_encoder
from app.studio.media.ladder import Rung, Zone
from app.studio.media.scheduling import drop_real_time_scheduling
from app.studio.media.segmenter import (
    RenditionMeta,
    SegmentWriter,
    finished_segments,
    open_template,
    read_meta,
    template_stream,
)

log = logging.getLogger(__name__)
ProgressCallback = Callable[[int, int, float], None]
"""``on_progress(done_segments, total_segments, fps)``, always called on the caller's thread."""

_QUEUE_DEPTH = 8
# Progress is also reported this often without a new segment, so a workflow heartbeat never starves
# while a slow rung (AV1, 4K) works on a long segment.
_REPORT_EVERY_S = 2.0
# Per-segment allocation opens a new encoder only for a rate change larger than this (SVT-AV1 takes a
# while to start, and a few percent is within what rate control misses by anyway).
_RATE_CHANGE = 0.05
_ABORT = object()  # queue item: stop now, flush nothing (a partial segment must not look finished)


@dataclass(frozen=True)
class EncodeStats:
    """What one call did: segments written now (not counting those already on disk), frames, time."""

    segments_written: int
    frames_decoded: int
    seconds: float

    @property
    def fps(self) -> float:
        return self.frames_decoded / self.seconds if self.seconds else 0.0


def _boundary(seconds: Fraction, segment_seconds: Fraction) -> int:
    """Index of the segment that a frame at ``seconds`` belongs to."""
    return math.floor(seconds / segment_seconds)


class _Counter:
    """Segments finished across worker threads, read by the caller's thread to report progress."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self) -> None:
        with self._lock:
            self.value += 1


class _RungWorker(threading.Thread):
    """Scales, encodes and segments one rung; frames arrive through a bounded queue."""

    def __init__(
        self,
        rung: Rung,
        encoder: str,
        out_dir: Path,
        preset: str | None,
        time_base: Fraction,
        frame_rate: Fraction,
        keyint: int,
        segment_seconds: Fraction,
        counter: _Counter,
    ) -> None:
        super().__init__(name=f"encode-{rung.id}", daemon=True)
        self.rung, self.encoder_name = rung, encoder
        self.directory = out_dir / rung.id
        self.start_segment = finished_segments(self.directory)
        zones: list[tuple[int, int, float]] = []
        bitrate_kbps: float = rung.bitrate_kbps
        if rung.zones and encoder in ZONE_ENCODERS:
            first_s = self.start_segment * segment_seconds
            zones = zone_frames(rung.zones, first_s, frame_rate)
            # Rate control aims at the average of what it encodes: a resumed encoder's part of the title
            # has its own planned average (the rest of a hard shot needs more than the rung's average).
            bitrate_kbps *= remaining_scale(rung.zones, first_s)
        # Encoders without zones get the allocation segment by segment: a new encoder (each segment
        # starts with an IDR, as a resumed encode does) wherever the planned rate changes.
        self._segment_rates = bool(rung.zones) and encoder not in ZONE_ENCODERS
        self._segment_seconds = segment_seconds
        self.queue: queue.Queue[tuple[av.VideoFrame, int, int] | object | None] = queue.Queue(_QUEUE_DEPTH)
        self.error: BaseException | None = None
        self._counter = counter
        self._frame_rate = frame_rate
        self._open = lambda kbps: _video_template(
            rung, encoder, preset, time_base, frame_rate, keyint, zones, round(kbps * 1000)
        )
        self._rate_kbps = self._planned_kbps(self.start_segment) if self._segment_rates else bitrate_kbps
        self._template = self._open(self._rate_kbps)
        self.writer = SegmentWriter(self.directory, self._template, family_of(encoder).tag)

    def _planned_kbps(self, segment: int) -> float:
        start = segment * self._segment_seconds
        return self.rung.bitrate_kbps * span_scale(self.rung.zones, start, start + self._segment_seconds)

    def _reopen_for(self, segment: int) -> bool:
        """Per-segment allocation: start a new encoder when ``segment``'s planned rate differs enough."""
        if not self._segment_rates:
            return False
        planned = self._planned_kbps(segment)
        if abs(planned / self._rate_kbps - 1) < _RATE_CHANGE:
            return False
        self._rate_kbps = planned
        self._template = self._open(planned)
        return True

    def feed(self, item: tuple[av.VideoFrame, int, int] | object | None) -> None:
        """Queue a frame, the end marker ``None`` or ``_ABORT``, unless this worker has already failed."""
        while self.error is None:
            try:
                self.queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def run(self) -> None:
        try:
            self._encode()
        except BaseException as exc:  # handed to the caller's thread, which re-raises it
            self.error = exc

    def _encode(self) -> None:
        ctx = self._template.codec_context
        scaler = VideoReformatter()  # one per thread: swscale contexts are not thread-safe
        segment_of: dict[int, int] = {}  # frame pts -> segment index, for the packets that come out
        duration_of: dict[int, int] = {}
        last_pts: int | None = None
        last_duration = 0

        def emit(packets: list[av.Packet]) -> None:
            for packet in packets:
                packet.duration = duration_of.pop(packet.pts, last_duration)
                if self.writer.add(segment_of.pop(packet.pts), packet):
                    self._counter.add()

        current = self.start_segment
        while (item := self.queue.get()) is not None:
            if item is _ABORT:
                return
            frame, segment, duration = item
            if segment < self.start_segment:
                continue
            if segment != current:
                current = segment
                if self._reopen_for(segment):
                    emit(ctx.encode(None))  # the previous segment's last packets, from its own encoder
                    ctx = self._template.codec_context
            scaled = scaler.reformat(
                frame, self.rung.width, self.rung.height, "yuv420p", interpolation=Interpolation.BICUBIC
            )
            segment_of[scaled.pts] = segment
            if last_pts is not None:
                duration_of[last_pts] = scaled.pts - last_pts
            last_pts, last_duration = scaled.pts, duration
            emit(ctx.encode(scaled))
        emit(ctx.encode(None))
        if self.writer.flush():
            self._counter.add()
        rung = self.rung
        self.writer.finish(
            RenditionMeta(
                id=rung.id,
                kind="video",
                codec=rung.codec,
                encoder=self.encoder_name,
                bitrate_kbps=rung.bitrate_kbps,
                max_bitrate_kbps=rung.max_bitrate_kbps,
                segments=finished_segments(self.directory),
                width=rung.width,
                height=rung.height,
                frame_rate=f"{self._frame_rate.numerator}/{self._frame_rate.denominator}",
            )
        )


def zone_frames(zones: Sequence[Zone], first_s: Fraction, rate: Fraction) -> list[tuple[int, int, float]]:
    """``zones`` as (first, last frame, rate factor) for an encoder whose frame 0 is the first source frame
    at or after ``first_s`` (a resumed encoder starts at its first unfinished segment).

    Zone bounds are shot cuts, which lie on frames, so rounding finds their frame; zones that end before
    the encoder's start or change nothing are left out.
    """
    origin = math.ceil(first_s * rate)
    frames = []
    for zone in zones:
        first = max(0, round(Fraction(zone.start_s) * rate) - origin)
        last = round(Fraction(zone.end_s) * rate) - 1 - origin
        if last >= first and abs(zone.rate_factor - 1) >= 0.005:
            frames.append((first, last, zone.rate_factor))
    return frames


def span_scale(zones: Sequence[Zone], start_s: Fraction, end_s: Fraction) -> float:
    """The planned average rate over ``[start_s, end_s)`` relative to the rung's (1 where no zone is)."""
    spans = [(min(z.end_s, float(end_s)) - max(z.start_s, float(start_s)), z.bitrate_scale) for z in zones]
    covered = [(length, scale) for length, scale in spans if length > 0]
    total = sum(length for length, _ in covered)
    return sum(length * scale for length, scale in covered) / total if total else 1.0


def remaining_scale(zones: Sequence[Zone], first_s: Fraction) -> float:
    """The planned average rate from ``first_s`` to the end, relative to the rung's average (1 at 0 s)."""
    spans = [(max(0.0, z.end_s - max(z.start_s, float(first_s))), z.bitrate_scale) for z in zones]
    total = sum(length for length, _ in spans)
    return sum(length * scale for length, scale in spans) / total if total else 1.0


def _video_template(
    rung: Rung,
    encoder: str,
    preset: str | None,
    time_base: Fraction,
    rate: Fraction,
    keyint: int,
    zones: Sequence[tuple[int, int, float]],
    bit_rate: int,
) -> av.VideoStream:
    """The opened encoder of one rung, configured for bitrate, GOP, our keyframe control and its zones."""
    stream = template_stream(encoder, rate)
    ctx = stream.codec_context
    ctx.width, ctx.height, ctx.pix_fmt = rung.width, rung.height, "yuv420p"
    ctx.time_base = time_base
    ctx.framerate = rate
    ctx.gop_size = keyint
    # PyAV defaults encoders to slice threads; x264 then uses sliced threading, which costs compression.
    # AUTO lets it use frame threads like the ffmpeg CLI does.
    ctx.thread_type = "AUTO"
    ctx.bit_rate = bit_rate
    options = encoder_options(encoder, preset, keyint, zones)
    if encoder != "libsvtav1":  # SVT-AV1 treats maxrate as capped CRF; plain VBR matches the others
        options |= {"maxrate": f"{rung.max_bitrate_kbps}k", "bufsize": f"{rung.max_bitrate_kbps * 2}k"}
    ctx.options = options
    open_template(stream)
    if encoder == "libsvtav1":  # it makes this thread and its own real-time when it can
        drop_real_time_scheduling()
    return stream


def encode_video(
    master: str | os.PathLike[str],
    rungs: Sequence[Rung],
    out_dir: str | os.PathLike[str],
    *,
    segment_seconds: float = 4.0,
    gpu: GpuMode = "auto",
    presets: Mapping[str, str] | None = None,
    on_progress: ProgressCallback | None = None,
) -> EncodeStats:
    """Encode ``rungs`` of ``master`` into ``out_dir/<rung.id>/``, resuming whatever is already there.

    ``presets`` maps a codec family (``"h264"``) to an encoder preset; ``gpu`` picks NVENC (see
    :func:`codecs.select_encoder`). ``on_progress`` may raise (e.g. on cancellation): the workers are
    stopped and the exception propagates, leaving only whole segments behind.
    """
    out = Path(out_dir)
    seg = Fraction(segment_seconds)
    started = time.perf_counter()
    counter = _Counter()
    with av.open(str(master)) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        rate = Fraction(video.average_rate or video.guessed_rate or 25)
        keyint = math.ceil(2 * seg * rate)  # upper bound only: forced IDRs come every segment
        workers = [
            _RungWorker(
                rung,
                select_encoder(rung.codec, gpu),
                out,
                (presets or {}).get(rung.codec),
                video.time_base,
                rate,
                keyint,
                seg,
                counter,
            )
            for rung in rungs
            if read_meta(out / rung.id) is None
        ]
        estimate = math.ceil(Fraction(_duration(container, video)) / seg) if workers else 0
        total = estimate * len(rungs)
        already = total - sum(max(0, estimate - w.start_segment) for w in workers)
        frames = 0
        for worker in workers:
            worker.start()
        try:
            frames = _dispatch(container, video, workers, seg, counter, already, total, on_progress, started)
        except BaseException:
            for worker in workers:
                worker.feed(_ABORT)
                worker.join()
            raise
        for worker in workers:
            worker.feed(None)
            worker.join()
        for worker in workers:
            if worker.error is not None:
                raise worker.error
    elapsed = time.perf_counter() - started
    if on_progress:
        on_progress(total, total, frames / elapsed if elapsed else 0.0)
    return EncodeStats(sum(w.writer.written for w in workers), frames, elapsed)


def _duration(container: av.container.InputContainer, video: av.VideoStream) -> float:
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return (container.duration or 0) / av.time_base


def _dispatch(
    container: av.container.InputContainer,
    video: av.VideoStream,
    workers: list[_RungWorker],
    seg: Fraction,
    counter: _Counter,
    already: int,
    total: int,
    on_progress: ProgressCallback | None,
    started: float,
) -> int:
    """Decode the master and hand each frame, stamped with its segment, to every worker."""
    if not workers:
        return 0
    first = min(w.start_segment for w in workers)
    origin = video.start_time or 0
    if first:
        container.seek(int(first * seg / video.time_base) + origin, stream=video, backward=True)
    default_duration = max(1, round(1 / (Fraction(video.average_rate or 25) * video.time_base)))
    frames = 0
    reported = -1
    last_report = started
    previous_segment = None
    for frame in container.decode(video):
        if frame.pts is None:
            continue
        frame.pts -= origin
        segment = _boundary(frame.pts * video.time_base, seg)
        if segment < first:
            continue
        # Only the first frame of a segment may be a keyframe, and it must be one.
        frame.pict_type = PictureType.I if segment != previous_segment else PictureType.NONE
        previous_segment = segment
        duration = frame.duration or default_duration
        for worker in workers:
            if worker.error is not None:
                raise worker.error
            worker.feed((frame, segment, duration))
        frames += 1
        now = time.perf_counter()
        if on_progress and (counter.value != reported or now - last_report >= _REPORT_EVERY_S):
            reported, last_report = counter.value, now
            on_progress(already + reported, total, frames / (now - started))
    return frames
