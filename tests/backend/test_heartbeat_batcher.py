"""The heartbeat batcher keeps only the latest beat per session and never loses a batch it failed to write."""

from __future__ import annotations

import pytest

from app.backend.playback.heartbeats import Heartbeat, HeartbeatBatcher


class FlakyWriter:
    def __init__(self) -> None:
        self.fail = True
        self.written: list[list[tuple[Heartbeat, int]]] = []

    def write(self, beats: list[tuple[Heartbeat, int]]) -> None:
        if self.fail:
            raise OSError("database is locked")
        self.written.append(beats)


def _beat(session: str, position: float) -> Heartbeat:
    return Heartbeat(session, "p", "t", position, 1000, 5.0, 0.0)


def test_failed_flush_keeps_the_batch_behind_newer_beats() -> None:
    writer = FlakyWriter()
    batcher = HeartbeatBatcher(writer, flush_interval_s=60)  # type: ignore[arg-type]
    batcher.add(_beat("a", 1))
    batcher.add(_beat("a", 2))
    batcher.add(_beat("b", 7))
    with pytest.raises(OSError):
        batcher.flush()
    batcher.add(_beat("a", 3))  # newer than the failed batch's beat for "a"
    writer.fail = False
    assert batcher.flush() == 2
    written = {beat.session_id: (beat.position_s, count) for beat, count in writer.written[0]}
    assert written == {"a": (3, 3), "b": (7, 1)}
    assert batcher.flush() == 0
