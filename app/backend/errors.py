"""Domain errors: raised by services, turned into clear 4xx JSON responses by the API layer.

Services stay HTTP-agnostic apart from carrying the status code that best describes the failure,
so the CLI and tests can rely on the same error codes the API returns.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request that cannot be honoured, with a stable machine-readable code."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, extra: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        # Fields the error object carries besides code and message (e.g. where an upload stands).
        self.extra = extra or {}
        if code:
            self.code = code


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"
