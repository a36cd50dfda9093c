"""Viewer profiles, so any client can find one to browse and play as."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from app.backend.api.deps import DbSession
from app.backend.api.schemas import EntityId, ProfileView
from app.backend.catalog.ids import ID_PATTERN
from app.backend.db.models import Account, Profile

router = APIRouter(tags=["profiles"])


@router.get("/profiles", response_model=list[ProfileView], summary="Profiles, optionally of one account")
def profiles(
    db: DbSession, account_id: Annotated[EntityId | None, Query(alias="accountId", pattern=ID_PATTERN)] = None
) -> list[ProfileView]:
    query = select(Profile).join(Account).order_by(Account.created_at, Profile.created_at, Profile.id)
    if account_id is not None:
        query = query.where(Profile.account_id == account_id)
    return [
        ProfileView(profile_id=p.id, name=p.name, maturity=p.maturity, region=p.region)
        for p in db.scalars(query)
    ]
