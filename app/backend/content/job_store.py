"""The catalog side of the encoding workflow: job status, progress parts and the publish transaction.

Implements :class:`app.studio.workflow.store.JobStore`. Every status change is a conditional UPDATE on
the job's current status, so the workflow, the API (pause, cancel) and a retried activity can race
without a job ever being both published and cancelled.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from app.backend.content.publishing import publish_package
from app.backend.content.uploads import ACTIVE_JOB_STATES
from app.backend.db.models import EncodingJob, JobProgress, JobStatus, Title, TitleStatus
from app.backend.errors import NotFound
from app.studio.media.index import PackageIndex
from app.studio.workflow.progress import LADDER_PART, summarise

_UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


class SqlJobStore:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        on_published: Callable[[str], None],
        preposition: Callable[[str], str],
    ) -> None:
        self._sessions = sessions
        self._on_published = on_published
        self._preposition = preposition

    def start_job(self, job_id: str) -> bool:
        with self._sessions() as session:
            started = _transition(session, job_id, (JobStatus.QUEUED,), status=JobStatus.RUNNING)
            session.commit()
        return started

    def report(self, job_id: str, part: str, data: dict[str, Any]) -> None:
        """Upsert one progress part: its owner is the only writer, so the last write is the truth."""
        now = time.time()
        with self._sessions() as session:
            insert = _UPSERTS[session.get_bind().dialect.name]
            session.execute(
                insert(JobProgress)
                .values(job_id=job_id, part=part, data=data, updated_at=now)
                .on_conflict_do_update(
                    index_elements=["job_id", "part"], set_={"data": data, "updated_at": now}
                )
            )
            session.execute(update(EncodingJob).where(EncodingJob.id == job_id).values(updated_at=now))
            session.commit()

    def publish(self, job_id: str, index: PackageIndex) -> bool:
        with self._sessions() as session:
            if not _transition(session, job_id, ACTIVE_JOB_STATES, status=JobStatus.SUCCEEDED, error=""):
                session.rollback()
                return False
            publish_package(session, job_id, index)
            session.commit()
        self._on_published(index.title_id)
        return True

    def end_job(self, job_id: str, status: str, error: str) -> bool:
        """End an active job; a title that never played goes back to DRAFT (cancelled) or FAILED."""
        final = JobStatus(status)
        with self._sessions() as session:
            if not _transition(session, job_id, ACTIVE_JOB_STATES, status=final, error=error):
                return False
            job = session.get(EncodingJob, job_id)
            title = session.get(Title, job.title_id) if job else None
            if title is not None and title.status == TitleStatus.PROCESSING:
                title.status = TitleStatus.DRAFT if final == JobStatus.CANCELLED else TitleStatus.FAILED
            session.commit()
        return True

    def preposition(self, title_id: str) -> str:
        return self._preposition(title_id)


def _transition(session: Session, job_id: str, sources: Sequence[JobStatus], **values: Any) -> bool:
    """Set ``values`` on the job if its status is one of ``sources``; whether it did."""
    result = session.execute(
        update(EncodingJob)
        .where(EncodingJob.id == job_id, EncodingJob.status.in_(sources))
        .values(**values, updated_at=time.time())
    )
    return result.rowcount == 1


def job_progress(session: Session, jobs: Sequence[EncodingJob]) -> dict[str, dict[str, Any]]:
    """Each job's progress view: summarised from its parts once the workflow reported any."""
    parts: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    rows = session.scalars(select(JobProgress).where(JobProgress.job_id.in_([job.id for job in jobs])))
    for row in rows:
        parts[row.job_id][row.part] = row.data
    return {job.id: summarise(parts[job.id]) if job.id in parts else dict(job.progress) for job in jobs}


def job_ladder(session: Session, job: EncodingJob) -> dict[str, Any]:
    """The ladder the plan step stored for the job (see :data:`LADDER_PART`)."""
    row = session.get(JobProgress, (job.id, LADDER_PART))
    if row is None:
        raise NotFound(f"job {job.id!r} has no planned ladder yet", code="ladder_not_planned")
    return dict(row.data)
