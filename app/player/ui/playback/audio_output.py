"""The player's sound: decoded AAC → interleaved PCM → a Qt Multimedia :class:`QAudioSink`.

The engine hands over a whole segment's audio as the segment starts; the device pulls it from a bounded,
thread-safe queue at its own pace (A/V sync is "start together", which is good enough for now).
QtMultimedia ships in PySide6-Addons, not in the PySide6-Essentials the project depends on, and test
machines have no sound card: in either case the player plays on silently and says why once in the log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import av
from PySide6.QtCore import QIODevice, QObject

try:  # PySide6-Addons; absent from PySide6-Essentials
    from PySide6 import QtMultimedia
except ImportError:  # pragma: no cover - depends on what is installed
    QtMultimedia = None

log = logging.getLogger(__name__)
MAX_QUEUED_S = 30.0  # a faster-than-real-time clock must not grow the queue without bound


@dataclass(frozen=True)
class PcmFormat:
    """What the device plays, in both Qt's and FFmpeg's words."""

    rate: int = 48_000
    channels: int = 2
    sample_format: str = "s16"  # FFmpeg's packed format name: "s16" or "flt"

    @property
    def bytes_per_second(self) -> int:
        return self.rate * self.channels * (2 if self.sample_format == "s16" else 4)

    @property
    def layout(self) -> str:
        return "mono" if self.channels == 1 else "stereo"


class PcmQueue:
    """Resamples decoded frames to one PCM format and queues the bytes for the device to pull.

    ``push`` runs on the engine's presenter thread, ``read`` on the audio device's; the resampler is
    kept across pushes so consecutive segments join without a click, and rebuilt after a flush (a
    seek) or when the source format changes.
    """

    def __init__(self, pcm: PcmFormat | None = None, max_seconds: float = MAX_QUEUED_S) -> None:
        self.pcm = pcm or PcmFormat()
        self._max_bytes = int(max_seconds * self.pcm.bytes_per_second)
        self._frame_bytes = self.pcm.bytes_per_second // self.pcm.rate
        self._lock = threading.Lock()
        self._resample_lock = threading.Lock()
        self._data = bytearray()
        self._resampler: av.AudioResampler | None = None

    def push(self, frames: list[av.AudioFrame]) -> None:
        pcm = self._resample(frames)
        with self._lock:
            self._data += pcm
            excess = len(self._data) - self._max_bytes
            if excess > 0:  # keep the newest audio: it is the one near the picture
                del self._data[: excess + (-excess) % self._frame_bytes]

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes, whole sample frames only."""
        size -= size % self._frame_bytes
        with self._lock:
            chunk = bytes(self._data[:size])
            del self._data[:size]
        return chunk

    def clear(self) -> None:
        with self._resample_lock:
            self._resampler = None
        with self._lock:
            self._data.clear()

    @property
    def queued_bytes(self) -> int:
        return len(self._data)

    @property
    def queued_seconds(self) -> float:
        return len(self._data) / self.pcm.bytes_per_second

    def _resample(self, frames: list[av.AudioFrame]) -> bytes:
        out = bytearray()
        with self._resample_lock:
            for frame in frames:
                try:
                    converted = self._resampler_for().resample(frame)
                except ValueError:  # another sample rate or layout: start a fresh conversion
                    self._resampler = None
                    converted = self._resampler_for().resample(frame)
                for piece in converted:
                    out += piece.to_ndarray().tobytes()
        return bytes(out)

    def _resampler_for(self) -> av.AudioResampler:
        if self._resampler is None:
            pcm = self.pcm
            self._resampler = av.AudioResampler(format=pcm.sample_format, layout=pcm.layout, rate=pcm.rate)
        return self._resampler


class _QueueDevice(QIODevice):
    """The sink pulls from here; silence while the queue is dry keeps the device running through stalls."""

    def __init__(self, queue: PcmQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue

    def isSequential(self) -> bool:  # noqa: N802 - Qt's naming
        return True

    def bytesAvailable(self) -> int:  # noqa: N802
        return self.queue.queued_bytes + super().bytesAvailable()

    def readData(self, maxlen: int) -> bytes:  # noqa: N802
        chunk = self.queue.read(maxlen)
        return chunk or bytes(maxlen - maxlen % 4)

    def writeData(self, _data: bytes, _length: int = 0) -> int:  # noqa: N802
        return -1  # read-only


class AudioOutput(QObject):
    """Create on the GUI thread; ``enqueue`` and ``flush`` may be called from any thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue: PcmQueue | None = None
        self._sink = None
        self._device: _QueueDevice | None = None
        self._volume = 1.0
        self.unavailable_reason = self._open()
        if self.unavailable_reason:
            log.info("playing without sound: %s", self.unavailable_reason)

    @property
    def available(self) -> bool:
        return self._sink is not None

    @property
    def volume(self) -> float:
        return self._volume

    def enqueue(self, frames: list[av.AudioFrame]) -> None:
        """Queue a segment's audio (no-op without a device: nothing would drain the queue)."""
        if self.queue is not None and frames:
            self.queue.push(frames)

    def flush(self) -> None:
        if self.queue is not None:
            self.queue.clear()

    def set_volume(self, volume: float) -> None:
        """0 (mute) to 1 (full), linear."""
        self._volume = min(max(volume, 0.0), 1.0)
        if self._sink is not None:
            self._sink.setVolume(self._volume)

    def suspend(self) -> None:
        if self._sink is not None:
            self._sink.suspend()

    def resume(self) -> None:
        if self._sink is not None:
            self._sink.resume()

    def close(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink = None
        self.flush()

    def _open(self) -> str:
        """Start the device; the reason it cannot play sound, or "" when it can."""
        if QtMultimedia is None:
            return "Qt Multimedia is not installed (it ships in PySide6-Addons)"
        device = QtMultimedia.QMediaDevices.defaultAudioOutput()
        if device.isNull():
            return "no audio output device"
        audio_format, pcm = _negotiate(device)
        if pcm is None:
            return f"{device.description()} plays neither 16-bit nor float PCM"
        self.queue = PcmQueue(pcm)
        self._device = _QueueDevice(self.queue, self)
        self._device.open(QIODevice.OpenModeFlag.ReadOnly)
        sink = QtMultimedia.QAudioSink(device, audio_format, self)
        sink.setVolume(self._volume)
        sink.start(self._device)
        error = sink.error()
        if error != type(error).NoError:  # QAudio.Error, or QtAudio.Error since Qt 6.7
            self.queue = None
            return f"{device.description()} did not start ({error.name})"
        self._sink = sink
        return ""


def _negotiate(device: object) -> tuple[object, PcmFormat | None]:
    """48 kHz stereo 16-bit if the device takes it, else its preferred format when we can produce it."""
    sample = QtMultimedia.QAudioFormat.SampleFormat
    wanted = QtMultimedia.QAudioFormat()
    wanted.setSampleRate(48_000)
    wanted.setChannelCount(2)
    wanted.setSampleFormat(sample.Int16)
    if device.isFormatSupported(wanted):
        return wanted, PcmFormat()
    preferred = device.preferredFormat()
    names = {sample.Int16: "s16", sample.Float: "flt"}
    name = names.get(preferred.sampleFormat())
    if name is None or preferred.channelCount() not in (1, 2):
        return preferred, None
    return preferred, PcmFormat(preferred.sampleRate(), preferred.channelCount(), name)
