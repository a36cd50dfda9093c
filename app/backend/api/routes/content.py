"""The content API (needs the content token): uploads that become encoding jobs, their status and control."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from app.backend.api.deps import BackendDep, ContentToken, DbSession
from app.backend.api.schemas import (
    EntityId,
    ErrorResponse,
    JobView,
    LadderView,
    UploadRequest,
    UploadResponse,
)
from app.backend.catalog.ids import ID_PATTERN
from app.backend.content.job_store import job_ladder, job_progress
from app.backend.content.uploads import create_upload_job, get_job, list_jobs
from app.backend.db.models import EncodingJob

router = APIRouter(prefix="/content", tags=["content"], dependencies=[ContentToken])
_ERRORS = {401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}}


@router.post(
    "/upload",
    status_code=202,
    response_model=UploadResponse,
    responses={**_ERRORS, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    summary="Register a master file for encoding",
)
def upload(body: UploadRequest, db: DbSession, backend: BackendDep) -> UploadResponse:
    job = create_upload_job(db, body.title_id, body.master_file_url, body.metadata.model_dump())
    backend.search.reindex(db, [body.title_id])
    db.commit()
    backend.catalog_changed()
    backend.submit_job(job)
    eta = datetime.fromtimestamp(job.estimated_completion or job.created_at, UTC)
    return UploadResponse(encoding_job_id=job.id, status=job.status, estimated_completion=eta.isoformat())


@router.get("/jobs", response_model=list[JobView], responses=_ERRORS, summary="Recent encoding jobs")
def jobs(db: DbSession, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[JobView]:
    return _views(db, list_jobs(db, limit))


JobId = Annotated[EntityId, Path(pattern=ID_PATTERN)]
_CONTROL_ERRORS = {**_ERRORS, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}}


@router.get(
    "/jobs/{job_id}",
    response_model=JobView,
    responses={**_ERRORS, 404: {"model": ErrorResponse}},
    summary="One encoding job with its progress",
)
def job(job_id: JobId, db: DbSession) -> JobView:
    return _views(db, [get_job(db, job_id)])[0]


@router.get(
    "/jobs/{job_id}/ladder",
    response_model=LadderView,
    responses={**_ERRORS, 404: {"model": ErrorResponse}},
    summary="The job's planned ladder: rungs, shots, rate-quality points and convex hulls",
)
def ladder(job_id: JobId, db: DbSession) -> LadderView:
    return LadderView.model_validate(job_ladder(db, get_job(db, job_id)))


@router.post("/jobs/{job_id}/pause", response_model=JobView, responses=_CONTROL_ERRORS, summary="Pause a job")
def pause(job_id: JobId, db: DbSession, backend: BackendDep) -> JobView:
    return _commit_view(db, backend.job_control.pause(db, job_id))


@router.post(
    "/jobs/{job_id}/resume", response_model=JobView, responses=_CONTROL_ERRORS, summary="Resume a job"
)
def resume(job_id: JobId, db: DbSession, backend: BackendDep) -> JobView:
    return _commit_view(db, backend.job_control.resume(db, job_id))


@router.post(
    "/jobs/{job_id}/cancel",
    status_code=202,
    response_model=JobView,
    responses=_CONTROL_ERRORS,
    summary="Cancel a job (it becomes CANCELLED once its unfinished encode is deleted)",
)
def cancel(job_id: JobId, db: DbSession, backend: BackendDep) -> JobView:
    return _commit_view(db, backend.job_control.cancel(db, job_id))


@router.post(
    "/jobs/{job_id}/rerun",
    status_code=202,
    response_model=JobView,
    responses={**_CONTROL_ERRORS, 422: {"model": ErrorResponse}},
    summary="Encode the job's master again as a new job (new encode id)",
)
def rerun(job_id: JobId, db: DbSession, backend: BackendDep) -> JobView:
    new = backend.job_control.rerun(db, job_id)
    view = _commit_view(db, new)
    backend.catalog_changed()
    backend.submit_job(new)
    return view


def _commit_view(db: Session, job: EncodingJob) -> JobView:
    db.commit()
    return _views(db, [job])[0]


def _views(db: Session, jobs: list[EncodingJob]) -> list[JobView]:
    progress = job_progress(db, jobs)
    return [
        JobView(
            job_id=job.id,
            title_id=job.title_id,
            status=job.status,
            master_file_url=job.master_url,
            encode_id=job.encode_id,
            progress=progress[job.id],
            error=job.error,
            created_at=job.created_at,
            updated_at=job.updated_at,
        )
        for job in jobs
    ]
