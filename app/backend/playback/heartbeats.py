"""Heartbeats are buffered in memory and written in batches, never one commit per heartbeat.

A player sends one every 10 s; at scale that is the platform's highest write rate. Only the latest
heartbeat of each session matters for resume, so the buffer keeps one entry per session and a flush
writes all of them in two statements (sessions and watch progress) inside one transaction.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from app.backend.db.models import PlaybackSession, SessionState, WatchProgress


@dataclass(frozen=True)
class Heartbeat:
    session_id: str
    profile_id: str
    title_id: str
    position_s: float
    bitrate_kbps: int
    buffer_s: float
    at: float


class HeartbeatWriter:
    """Writes a batch of heartbeats in one transaction (used by the batcher and the benchmark)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        upsert = insert(WatchProgress).values(
            profile_id=bindparam("p_profile"),
            title_id=bindparam("p_title"),
            position_s=bindparam("p_position"),
            updated_at=bindparam("p_at"),
        )
        self._progress = upsert.on_conflict_do_update(
            index_elements=[WatchProgress.profile_id, WatchProgress.title_id],
            set_={"position_s": upsert.excluded.position_s, "updated_at": upsert.excluded.updated_at},
        )
        self._sessions = (
            update(PlaybackSession)
            .where(PlaybackSession.id == bindparam("s_id"), PlaybackSession.state == SessionState.ACTIVE)
            .values(
                position_s=bindparam("p_position"),
                bitrate_kbps=bindparam("s_bitrate"),
                buffer_s=bindparam("s_buffer"),
                last_heartbeat_at=bindparam("p_at"),
                heartbeat_count=PlaybackSession.heartbeat_count + bindparam("s_count"),
            )
        )

    def write(self, beats: list[tuple[Heartbeat, int]]) -> None:
        """Persist (latest heartbeat, heartbeats received since the last flush) for each session."""
        if not beats:
            return
        rows = [
            {
                "s_id": b.session_id,
                "p_profile": b.profile_id,
                "p_title": b.title_id,
                "p_position": b.position_s,
                "s_bitrate": b.bitrate_kbps,
                "s_buffer": b.buffer_s,
                "p_at": b.at,
                "s_count": count,
            }
            for b, count in beats
        ]
        with self._engine.begin() as connection:
            connection.execute(self._sessions.execution_options(synchronize_session=False), rows)
            connection.execute(self._progress, rows)


class HeartbeatBatcher:
    """Collects heartbeats from request handlers and flushes them on a background thread."""

    def __init__(self, writer: HeartbeatWriter, flush_interval_s: float) -> None:
        self._writer = writer
        self._interval = flush_interval_s
        self._pending: dict[str, tuple[Heartbeat, int]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, beat: Heartbeat) -> None:
        with self._lock:
            previous = self._pending.get(beat.session_id)
            self._pending[beat.session_id] = (beat, 1 + (previous[1] if previous else 0))

    def flush(self) -> int:
        """Write everything pending now; returns the number of sessions written.

        If the write fails the batch goes back into the buffer (behind any newer heartbeat of the
        same session), so a database hiccup delays progress but never loses it.
        """
        with self._lock:
            batch, self._pending = self._pending, {}
        try:
            self._writer.write(list(batch.values()))
        except Exception:
            with self._lock:
                for session_id, (beat, count) in batch.items():
                    newer = self._pending.get(session_id)
                    self._pending[session_id] = (newer[0], newer[1] + count) if newer else (beat, count)
            raise
        return len(batch)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="heartbeat-flush", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write what is left, so a clean shutdown loses no heartbeat."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush()
            except Exception:  # the batch was kept; the next tick retries it
                logging.getLogger(__name__).exception("heartbeat flush failed; will retry")
