"""The offline recommendation pipeline and its scheduler.

``refresh_all`` refits the model on the whole event log and rewrites every profile's candidates;
``refresh_profile`` recomputes one profile with the current model (a home page miss, a new quiz).
A background thread runs the full refresh every few hours and serves the per-profile queue.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.backend.db.models import Profile
from app.backend.personalisation.candidates import profile_candidates
from app.backend.personalisation.model import FittedModel, fit_model
from app.backend.personalisation.rec_cache import write_candidates

log = logging.getLogger(__name__)
_EVERYONE = "*"


class RecommendationPipeline:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        on_updated: Callable[[Iterable[str]], None],
        refresh_interval_s: float,
        model_name: str = "default",
    ) -> None:
        self._sessions = sessions
        self._on_updated = on_updated
        self._interval = refresh_interval_s
        self._model_name = model_name
        self.model: FittedModel | None = None
        self._lock = threading.Lock()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def refresh_all(self) -> int:
        """Refit and rewrite every profile's candidates; returns the number of profiles written."""
        with self._lock, self._sessions() as session:
            self.model = fit_model(session, self._model_name)
            if self.model is None:
                return 0
            profiles = list(session.scalars(select(Profile)))
            written = write_candidates(
                session, ((p.id, profile_candidates(self.model, p)) for p in profiles), self._model_name
            )
            session.commit()
        log.info("recommendations refreshed for %d profiles", written)
        self._on_updated([p.id for p in profiles])
        return written

    def refresh_profile(self, profile_id: str) -> bool:
        """Recompute one profile with the current model (fitting one first if there is none)."""
        if self.model is None:
            return self.refresh_all() > 0
        with self._lock, self._sessions() as session:
            profile = session.get(Profile, profile_id)
            if profile is None or self.model is None:
                return False
            write_candidates(
                session, [(profile_id, profile_candidates(self.model, profile))], self._model_name
            )
            session.commit()
        self._on_updated([profile_id])
        return True

    def refresh_profile_soon(self, profile_id: str) -> None:
        """Now when a model exists (milliseconds), else in the background with the first fit."""
        if self.model is not None:
            self.refresh_profile(profile_id)
        else:
            self.schedule(profile_id)

    def schedule(self, profile_id: str) -> None:
        self._queue.put(profile_id)

    def schedule_all(self) -> None:
        self._queue.put(_EVERYONE)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="recommendations", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            try:
                job = self._queue.get(timeout=self._interval)
            except queue.Empty:
                job = _EVERYONE
            if job is None:
                return
            try:
                if job == _EVERYONE:
                    self.refresh_all()
                else:
                    self.refresh_profile(job)
            except Exception:
                log.exception("recommendation refresh failed; the previous candidates stay")
