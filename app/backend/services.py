"""The backend's long-lived parts in one place: database, caches, search, heartbeat batching, encoding.

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
from app.backend.content.job_control import JobControl, active_jobs, job_input
from app.backend.content.job_store import SqlJobStore
from app.backend.content.resumable import ResumableUploads
from app.backend.db.engine import make_engine, make_session_factory
from app.backend.db.migrate import current_revision, upgrade_to_head
from app.backend.db.models import EncodingJob
from app.backend.delivery.service import Delivery
from app.backend.home.cache import HomeCache
from app.backend.home.composer import Matcher
from app.backend.personalisation.pipeline import RecommendationPipeline
from app.backend.playback.directory import SessionDirectory
from app.backend.playback.heartbeats import HeartbeatBatcher, HeartbeatWriter
from app.backend.playback.sessions import abandon_stale_sessions
from app.backend.search import make_search_index
from app.config import Settings
from app.studio.workflow.activities import StudioActivities
from app.studio.workflow.engine import WorkflowEngine
from app.studio.workflow.store import JobStore
from app.studio.workflow.temporal_server import TemporalDevServer, TemporalUnavailable

log = logging.getLogger(__name__)
SWEEP_INTERVAL_S = 30.0


def embedded_temporal(settings: Settings) -> TemporalDevServer | None:
    """The dev server of the embedded mode; None with the workflow off or a cluster configured."""
    if not settings.workflow_enabled or settings.temporal_address:
        return None
    return TemporalDevServer(settings.data_dir / "temporal.db", settings.logs_dir / "temporal.log")


def workflow_engine(settings: Settings, store: JobStore, *, workers: bool) -> WorkflowEngine:
    """The studio's workflow engine as configured: the backend's, and each ``main.py worker``'s."""
    return WorkflowEngine(
        StudioActivities(store, settings.media_root),
        address=settings.temporal_address,
        server=embedded_temporal(settings),
        namespace=settings.temporal_namespace,
        task_queue=settings.task_queue,
        encode_slots=settings.encode_slots,
        gpu_slots=settings.gpu_slots,
        workers=workers,
    )


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
        self.jobs = SqlJobStore(self.sessions, lambda _title: self.catalog_changed(), self._preposition)
        self.workflow = (
            workflow_engine(settings, self.jobs, workers=settings.workflow_workers)
            if settings.workflow_enabled
            else None
        )
        self.job_control = JobControl(self.workflow, self.jobs)
        self.uploads = ResumableUploads(self.sessions, settings)
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
        self._start_workflow()

    def stop(self) -> None:
        self._stop.set()
        if self.workflow is not None:
            self.workflow.stop()
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
        found = [
            "catalog",
            "search",
            "browse",
            "recommendations",
            "events",
            "playback",
            "content-intake",
            "resumable-upload",
        ]
        if self.workflow is not None and self.workflow.running:
            found.append("encoding")
        return found

    def submit_job(self, job: EncodingJob) -> None:
        """Start a recorded job's workflow; if that fails now, the next start submits it again."""
        if self.workflow is None or not self.workflow.running:
            return
        try:
            self.workflow.submit(job_input(job, self.settings))
        except Exception:
            log.exception("job %s stays QUEUED: its workflow could not be started", job.id)

    def _start_workflow(self) -> None:
        """Start Temporal and the worker, then (re)submit every unfinished job: nothing is forgotten."""
        if self.workflow is None:
            return
        try:
            self.workflow.start()
        except TemporalUnavailable:
            log.exception("no workflow engine: uploads are recorded but not encoded until a restart")
            return
        with self.sessions() as session:
            for job in active_jobs(session):
                self.submit_job(job)

    def _preposition(self, title_id: str) -> str:
        """After a publish: have the new title (if predicted popular) pushed to the edges soon."""
        if not self.delivery.queue_preposition():
            return "skipped: no CDN edges, the backend serves media itself"
        log.info("pre-positioning queued after publishing %s", title_id)
        return "queued"

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
