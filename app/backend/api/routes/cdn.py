"""Operate the CDN: its servers' state, fault injection (chaos), and pre-positioning now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.backend.api.deps import BackendDep, ContentToken
from app.backend.api.schemas import CdnServerView, ErrorResponse, FaultsIn, PrepositionResult
from app.backend.delivery.operations import TierStatus

router = APIRouter(prefix="/cdn", tags=["cdn"], dependencies=[ContentToken])
ServerName = Annotated[str, Path(pattern=r"^(origin|hub|edge-[0-9]{1,2})$")]
_ERRORS = {401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 409: {"model": ErrorResponse}}


def _view(status: TierStatus) -> CdnServerView:
    return CdnServerView(
        name=status.name,
        role=status.role,
        url=status.url,
        alive=status.alive,
        restarts=status.restarts,
        metrics=status.metrics,
        faults=status.faults,
    )


@router.get(
    "/servers", response_model=list[CdnServerView], responses=_ERRORS, summary="Every CDN tier server"
)
def servers(backend: BackendDep) -> list[CdnServerView]:
    return [_view(s) for s in backend.delivery.operations().statuses()]


@router.post(
    "/servers/{name}/faults", responses={**_ERRORS, 404: {"model": ErrorResponse}}, summary="Inject faults"
)
def inject(name: ServerName, body: FaultsIn, backend: BackendDep) -> dict:
    return backend.delivery.operations().set_faults(name, body.model_dump(by_alias=True, exclude_none=True))


@router.delete(
    "/servers/{name}/faults", responses={**_ERRORS, 404: {"model": ErrorResponse}}, summary="Clear faults"
)
def clear(name: ServerName, backend: BackendDep) -> dict:
    return backend.delivery.operations().clear_faults(name)


@router.post(
    "/servers/{name}/kill",
    status_code=202,
    response_class=Response,
    responses={**_ERRORS, 404: {"model": ErrorResponse}},
    summary="Kill a server (the supervisor restarts it)",
)
def kill(name: ServerName, backend: BackendDep) -> Response:
    backend.delivery.operations().kill(name)
    return Response(status_code=202)


@router.post(
    "/preposition",
    response_model=PrepositionResult,
    responses=_ERRORS,
    summary="Push tomorrow's predicted popular titles to the edges now",
)
def preposition(backend: BackendDep) -> PrepositionResult:
    report = backend.delivery.preposition()
    return PrepositionResult(
        regions=report.regions,
        edge_objects=report.edge_objects,
        hub_objects=report.hub_objects,
        bytes=report.bytes,
    )
