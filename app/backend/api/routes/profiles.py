"""Viewer profiles: list them, add one, and record its genre-quiz answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select

from app.backend.api.deps import BackendDep, DbSession
from app.backend.api.schemas import (
    EntityId,
    ErrorResponse,
    GenreView,
    ProfileCreate,
    ProfileView,
    TastesUpdate,
)
from app.backend.catalog.ids import ID_PATTERN
from app.backend.db.models import Account, Profile
from app.backend.personalisation.tastes import create_profile, genres_with_counts, set_tastes

router = APIRouter(tags=["profiles"])
ProfileIdPath = Annotated[EntityId, Path(pattern=ID_PATTERN)]


def _view(profile: Profile) -> ProfileView:
    return ProfileView(
        profile_id=profile.id, name=profile.name, maturity=profile.maturity, region=profile.region
    )


@router.get("/profiles", response_model=list[ProfileView], summary="Profiles, optionally of one account")
def profiles(
    db: DbSession, account_id: Annotated[EntityId | None, Query(alias="accountId", pattern=ID_PATTERN)] = None
) -> list[ProfileView]:
    query = select(Profile).join(Account).order_by(Account.created_at, Profile.created_at, Profile.id)
    if account_id is not None:
        query = query.where(Profile.account_id == account_id)
    return [_view(p) for p in db.scalars(query)]


@router.post("/profiles", status_code=201, response_model=ProfileView, summary="Add a profile")
def add_profile(body: ProfileCreate, db: DbSession, backend: BackendDep) -> ProfileView:
    profile = create_profile(db, body.name, body.maturity, body.region, body.account_id)
    db.commit()
    backend.recommendations.refresh_profile_soon(profile.id)
    return _view(profile)


@router.put(
    "/profiles/{profile_id}/tastes",
    status_code=204,
    response_class=Response,
    responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    summary="Genre-quiz answers that seed a new profile's recommendations",
)
def put_tastes(profile_id: ProfileIdPath, body: TastesUpdate, db: DbSession, backend: BackendDep) -> Response:
    set_tastes(db, profile_id, body.genres)
    db.commit()
    backend.recommendations.refresh_profile_soon(profile_id)
    backend.viewers_changed([profile_id])
    return Response(status_code=204)


@router.get("/genres", response_model=list[GenreView], summary="Genres with their title counts (the quiz)")
def genres(db: DbSession) -> list[GenreView]:
    return [GenreView(name=name, titles=count) for name, count in genres_with_counts(db)]
