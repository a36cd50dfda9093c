"""Schema-driven fuzzing of the whole API: whatever schemathesis sends, the backend never answers 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from app.backend.api.app import create_app
from app.backend.services import Backend
from app.config import Settings

from .conftest import AUTH

EXAMPLES_PER_OPERATION = 25


def test_no_operation_answers_5xx(tmp_path: Path) -> None:
    backend = Backend(
        Settings(data_dir=tmp_path, content_token="test-content-token", demo_titles=20, cdn_edges=0)
    )
    app = create_app(backend=backend)
    with TestClient(app):  # runs the lifespan: migrations, demo seed
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 12
        for operation in operations:
            _fuzz(operation)


def _fuzz(operation: schemathesis.APIOperation) -> None:
    authorised = "/content/" in operation.path

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        if authorised:
            case.headers = {**(case.headers or {}), **AUTH}
        case.call_and_validate(checks=[not_a_server_error])

    try:
        run()
    except Exception as exc:
        pytest.fail(f"{operation.method.upper()} {operation.path}: {exc}")
