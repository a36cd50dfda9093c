"""Resumable upload of masters (content token): create, send chunks, ask where to resume, complete.

The protocol is described in :mod:`app.backend.content.resumable`; these routes only translate HTTP.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from starlette.requests import ClientDisconnect

from app.backend.api.deps import BackendDep, ContentToken
from app.backend.api.schemas import (
    ErrorResponse,
    ResumableUploadRequest,
    ResumableUploadView,
    UploadConflictResponse,
)
from app.backend.content.resumable import BodyInterrupted, UploadState
from app.backend.errors import DomainError

PREFIX = "/content/uploads"
router = APIRouter(prefix=PREFIX, tags=["content"], dependencies=[ContentToken])
_ERRORS = {401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}}
_CONFLICT = {409: {"model": UploadConflictResponse}}
_OFFSET = re.compile(r"[0-9]{1,19}")


class InvalidOffset(DomainError):
    code = "invalid_offset"


@router.post(
    "",
    status_code=201,
    response_model=ResumableUploadView,
    responses={**_ERRORS, 413: {"model": ErrorResponse}},
    summary="Start a resumable upload of a master",
)
def create(body: ResumableUploadRequest, backend: BackendDep) -> ResumableUploadView:
    return _view(backend.uploads.create(body.filename, body.size_bytes, body.sha256))


@router.get(
    "/{upload_id}", response_model=ResumableUploadView, responses=_ERRORS, summary="Where an upload stands"
)
def status(upload_id: str, backend: BackendDep) -> ResumableUploadView:
    return _view(backend.uploads.status(upload_id))


@router.put(
    "/{upload_id}",
    response_model=ResumableUploadView,
    responses={**_ERRORS, **_CONFLICT, 400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}},
    summary="Append the raw request body at the Upload-Offset byte",
)
async def put_chunk(
    upload_id: str,
    request: Request,
    backend: BackendDep,
    upload_offset: Annotated[
        str | None, Header(description="the acknowledged offset this chunk starts at")
    ] = None,
) -> ResumableUploadView:
    if upload_offset is None or not _OFFSET.fullmatch(upload_offset):
        raise InvalidOffset("the Upload-Offset header must be the decimal byte offset the chunk starts at")
    length = request.headers.get("content-length")
    declared = int(length) if length is not None and length.isdigit() else None
    state = await backend.uploads.receive(upload_id, int(upload_offset), declared, _body(request))
    return _view(state)


@router.post(
    "/{upload_id}/complete",
    response_model=ResumableUploadView,
    responses={**_ERRORS, **_CONFLICT, 422: {"model": ErrorResponse}},
    summary="Check size and SHA-256, and hand the master over (its masterFileUrl)",
)
def complete(upload_id: str, backend: BackendDep) -> ResumableUploadView:
    return _view(backend.uploads.complete(upload_id))


@router.delete(
    "/{upload_id}",
    status_code=204,
    response_class=Response,
    responses={**_ERRORS, **_CONFLICT},
    summary="Abort an upload and remove its partial file",
)
def abort(upload_id: str, backend: BackendDep) -> Response:
    backend.uploads.abort(upload_id)
    return Response(status_code=204)


async def _body(request: Request) -> AsyncIterator[bytes]:
    try:
        async for piece in request.stream():
            if piece:
                yield piece
    except ClientDisconnect as exc:
        raise BodyInterrupted("the client went away") from exc


def _view(state: UploadState) -> ResumableUploadView:
    return ResumableUploadView(**asdict(state))
