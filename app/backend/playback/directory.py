"""Which profile and title an active session belongs to, cached so heartbeats need no database read."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.backend.db.models import SessionState
from app.backend.playback.sessions import get_session

MAX_CACHED_SESSIONS = 100_000


@dataclass(frozen=True)
class SessionInfo:
    profile_id: str
    title_id: str
    active: bool


class SessionDirectory:
    """A bounded LRU of session id → owner; misses (e.g. another worker's session) read the database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._cache: OrderedDict[str, SessionInfo] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, session_id: str, profile_id: str, title_id: str) -> None:
        self._put(session_id, SessionInfo(profile_id, title_id, active=True))

    def lookup(self, session_id: str) -> SessionInfo:
        with self._lock:
            info = self._cache.get(session_id)
            if info is not None:
                self._cache.move_to_end(session_id)
                return info
        with self._sessions() as session:
            playback = get_session(session, session_id)
            info = SessionInfo(playback.profile_id, playback.title_id, playback.state == SessionState.ACTIVE)
        self._put(session_id, info)
        return info

    def mark_inactive(self, session_ids: Iterable[str]) -> None:
        with self._lock:
            for session_id in session_ids:
                info = self._cache.get(session_id)
                if info is not None:
                    self._cache[session_id] = SessionInfo(info.profile_id, info.title_id, active=False)

    def _put(self, session_id: str, info: SessionInfo) -> None:
        with self._lock:
            self._cache[session_id] = info
            self._cache.move_to_end(session_id)
            while len(self._cache) > MAX_CACHED_SESSIONS:
                self._cache.popitem(last=False)
