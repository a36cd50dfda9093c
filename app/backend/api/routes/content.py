"""The content API (needs the content token): uploads that become encoding jobs, and job status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.backend.api.deps import BackendDep, ContentToken, DbSession
from app.backend.api.schemas import EntityId, ErrorResponse, JobView, UploadRequest, UploadResponse
from app.backend.catalog.ids import ID_PATTERN
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
    eta = datetime.fromtimestamp(job.estimated_completion or job.created_at, UTC)
    return UploadResponse(encoding_job_id=job.id, status=job.status, estimated_completion=eta.isoformat())


@router.get("/jobs", response_model=list[JobView], responses=_ERRORS, summary="Recent encoding jobs")
def jobs(db: DbSession, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[JobView]:
    return [_view(job) for job in list_jobs(db, limit)]


@router.get(
    "/jobs/{job_id}",
    response_model=JobView,
    responses={**_ERRORS, 404: {"model": ErrorResponse}},
    summary="One encoding job with its progress",
)
def job(job_id: Annotated[EntityId, Path(pattern=ID_PATTERN)], db: DbSession) -> JobView:
    return _view(get_job(db, job_id))


def _view(job: EncodingJob) -> JobView:
    return JobView(
        job_id=job.id,
        title_id=job.title_id,
        status=job.status,
        master_file_url=job.master_url,
        progress=job.progress,
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )
