"""Dependency aliases shared by the routes: the backend services, a database session, the content token."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.backend.errors import Forbidden, Unauthorized
from app.backend.services import Backend

_bearer = HTTPBearer(auto_error=False, description="The content token (see README: content API).")


def get_backend(request: Request) -> Backend:
    return request.app.state.backend


BackendDep = Annotated[Backend, Depends(get_backend)]


def get_db(backend: BackendDep) -> Iterator[Session]:
    with backend.sessions() as session:
        yield session


DbSession = Annotated[Session, Depends(get_db)]


def require_content_token(
    backend: BackendDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """401 without a bearer token, 403 with a wrong one (compared in constant time)."""
    if credentials is None:
        raise Unauthorized("the content API needs a bearer token", code="token_missing")
    expected = backend.settings.resolved_content_token
    if not secrets.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise Forbidden("the content token is not valid", code="token_invalid")


ContentToken = Depends(require_content_token)
