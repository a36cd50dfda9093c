"""Operating encoding jobs: their workflow input, and pause, resume, cancel and re-run.

Pause, resume and cancel are signals to (or cancellation of) the job's workflow, which does the real
work; the job row's status follows at once for pause/resume and when the workflow has finished cleaning
up for cancel. A re-run is a new job with a new encode id, so nothing of the earlier encode is reused.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backend.content.job_store import SqlJobStore
from app.backend.content.uploads import ACTIVE_JOB_STATES, create_upload_job, get_job
from app.backend.db.models import EncodingJob, JobStatus
from app.backend.errors import Conflict
from app.config import Settings
from app.studio.workflow.engine import WorkflowEngine, WorkflowGone
from app.studio.workflow.model import JobInput, RetrySettings


def job_input(job: EncodingJob, settings: Settings) -> JobInput:
    """The workflow's input for a job row (options as recorded at upload, the rest from settings)."""
    options = job.options or {}
    return JobInput(
        job_id=job.id,
        title_id=job.title_id,
        encode_id=job.encode_id or job.id,
        master=job.master_url,
        ladder=options.get("ladder", "fixed"),
        codecs=list(options.get("codecs") or ["h264"]),
        gpu=options.get("gpu", "auto"),
        allow_silent=bool(options.get("allow_silent", False)),
        segment_seconds=settings.segment_seconds,
        task_queue=settings.task_queue,
        retry=RetrySettings(
            max_attempts=settings.step_max_attempts,
            initial_s=settings.step_retry_initial_s,
            max_s=settings.step_retry_max_s,
            gpu_breaker_failures=settings.gpu_breaker_failures,
            heartbeat_s=settings.step_heartbeat_s,
        ),
    )


def active_jobs(session: Session) -> list[EncodingJob]:
    return list(session.scalars(select(EncodingJob).where(EncodingJob.status.in_(ACTIVE_JOB_STATES))))


class JobControl:
    """What the content API does to running jobs; needs a running workflow engine."""

    def __init__(self, engine: WorkflowEngine | None, store: SqlJobStore) -> None:
        self._engine = engine
        self._store = store

    def pause(self, session: Session, job_id: str) -> EncodingJob:
        job = self._require(session, job_id, (JobStatus.QUEUED, JobStatus.RUNNING), "pause")
        self._signal(job_id, "pause")
        job.status = JobStatus.PAUSED
        return job

    def resume(self, session: Session, job_id: str) -> EncodingJob:
        job = self._require(session, job_id, (JobStatus.PAUSED,), "resume")
        self._signal(job_id, "resume")
        job.status = JobStatus.RUNNING
        return job

    def cancel(self, session: Session, job_id: str) -> EncodingJob:
        """Ask the workflow to stop; it marks the job CANCELLED once its encode dir is gone."""
        job = self._require(session, job_id, ACTIVE_JOB_STATES, "cancel")
        try:
            self._signal(job_id, "cancel")
        except Conflict:  # no workflow ever ran (or it is gone): nothing to stop or clean up
            self._store.end_job(job_id, JobStatus.CANCELLED, "cancelled on request")
            session.expire(job)
        return job

    def rerun(self, session: Session, job_id: str) -> EncodingJob:
        """A new job for the same master and options (the master is probed again)."""
        job = get_job(session, job_id)
        if job.status in ACTIVE_JOB_STATES:
            raise Conflict(f"job {job_id} is still {job.status}; cancel it first", code="job_active")
        return create_upload_job(session, job.title_id, job.master_url, dict(job.options or {}))

    def _require(
        self, session: Session, job_id: str, states: tuple[JobStatus, ...], action: str
    ) -> EncodingJob:
        job = get_job(session, job_id)
        if job.status not in states:
            raise Conflict(f"cannot {action} job {job_id}: it is {job.status}", code="job_state")
        return job

    def _signal(self, job_id: str, action: str) -> None:
        if self._engine is None:
            raise Conflict("this backend runs no encoding workflow", code="no_workflow")
        try:
            getattr(self._engine, action)(job_id)
        except WorkflowGone as exc:
            raise Conflict(f"job {job_id} has no running workflow: {exc}", code="no_workflow") from exc
