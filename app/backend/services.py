"""The backend's long-lived parts in one place: database, caches, search, heartbeat batching.

Routes receive this object through a dependency, and tests build it directly, so the wiring of
the backend is written once.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.backend.catalog.demo import demo_is_seeded, seed_demo_content
from app.backend.content.demo_titles import publish_demo_titles
from app.backend.db.engine import make_engine, make_session_factory
from app.backend.db.migrate import current_revision, upgrade_to_head
from app.backend.delivery.service import Delivery
from app.backend.home.cache import HomeCache
from app.backend.home.composer import Matcher
from app.backend.personalisation.pipeline import RecommendationPipeline
from app.backend.playback.directory import SessionDirectory
from app.backend.playback.heartbeats import HeartbeatBatcher, HeartbeatWriter
from app.backend.playback.sessions import abandon_stale_sessions
from app.backend.search import make_search_index
from app.config import Settings

log = logging.getLogger(__name__)
SWEEP_INTERVAL_S = 30.0


class Backend:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.resolved_database_url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        self.search = make_search_index(self.engine.dialect.name)
        self.recommendations = RecommendationPipeline(
            self.sessions, self._recommendations_updated, settings.recs_refresh_s, settings.recs_model
        )
        self.home = HomeCache(
            self.sessions,
            settings.home_cache_ttl_s,
            on_miss=self.recommendations.schedule,
            matcher_for=self._matcher,
        )
        self.directory = SessionDirectory(self.sessions)
        self.delivery = Delivery(settings, self.sessions)
        self.heartbeats = HeartbeatBatcher(HeartbeatWriter(self.engine), settings.heartbeat_flush_s)
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    @property
    def poster_cache_dir(self) -> Path:
        return self.settings.data_dir / "cache" / "posters"

    def prepare(self) -> None:
        """Create folders, migrate the schema and seed the demo catalog on first start."""
        self.settings.ensure_dirs()
        upgrade_to_head(self.engine)
        if self.settings.seed_demo:
            with self.sessions() as session:
                if not demo_is_seeded(session):
                    log.info("first start: generating %d demo titles", self.settings.demo_titles)
                    ids = seed_demo_content(session, self.settings.demo_titles)
                    self.search.reindex(session, ids)
                    session.commit()

    def start(self) -> None:
        self.delivery.start()
        self.heartbeats.start()
        self.recommendations.start()
        # Fit in the background at every start: pages are served from the cached candidates (or
        # popularity) meanwhile, and the fitted model then scores every card, not only candidates.
        self.recommendations.schedule_all()
        if self.settings.seed_demo and self.settings.demo_playable:
            threading.Thread(target=self.publish_demo_titles, name="demo-titles", daemon=True).start()
        self._sweeper = threading.Thread(target=self._sweep_loop, name="session-sweeper", daemon=True)
        self._sweeper.start()

    def stop(self) -> None:
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)
        self.heartbeats.stop()
        self.recommendations.stop()
        self.delivery.stop()
        self.engine.dispose()

    def publish_demo_titles(self) -> list[str]:
        """Encode the demo's playable titles (a no-op once any title is playable)."""
        try:
            published = publish_demo_titles(
                self.sessions, self.settings.media_root, self.settings.demo_playable
            )
        except Exception:
            log.exception("demo titles could not be made playable; the catalog stays browsable")
            return []
        if published:
            self.catalog_changed()
        return published

    def capabilities(self) -> list[str]:
        """What this backend can do, so clients can tell a missing feature from a failure."""
        return ["catalog", "search", "browse", "recommendations", "events", "playback", "content-intake"]

    def catalog_changed(self) -> None:
        self.home.invalidate()

    def viewers_changed(self, profile_ids: list[str]) -> None:
        """New events, progress or tastes: these profiles' pages must be rebuilt."""
        self.home.invalidate_profiles(profile_ids)

    def _recommendations_updated(self, profile_ids: list[str]) -> None:
        self.home.invalidate_profiles(profile_ids)

    def _matcher(self, profile_id: str) -> Matcher | None:
        """Calibrated match scores for any title, while the fitted model knows this profile."""
        model = self.recommendations.model
        if model is None or profile_id not in model.histories:
            return None
        return lambda ids: dict(zip(ids, model.match_percent(profile_id, ids), strict=True))

    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return current_revision(connection)

    def database_kind(self) -> str:
        return self.engine.dialect.name

    def sweep_abandoned_sessions(self) -> int:
        with self.sessions() as session:
            ids = abandon_stale_sessions(session, self.settings.session_abandon_after_s)
        self.directory.mark_inactive(ids)
        return len(ids)

    def _sweep_loop(self) -> None:
        while not self._stop.wait(SWEEP_INTERVAL_S):
            try:
                self.heartbeats.flush()
                self.sweep_abandoned_sessions()
            except Exception:
                log.exception("session sweep failed; will retry")
