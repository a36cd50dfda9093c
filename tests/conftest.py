"""Fixtures shared by the whole suite: settings over a temp dir, databases, and the API client."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.config import Settings

from .clients.browser import require_web_players
from .clients.server import Harness, serve_harness

# Starting Temporal costs a second and a process: only the tests about encoding turn the workflow on
# (explicitly, or through the environment of the processes they start).
os.environ.setdefault("MARQUEE_WORKFLOW_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TEST_TOKEN = "test-content-token"
PG_URL = os.environ.get("MARQUEE_TEST_PG_URL")
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _admin_url() -> str:
    assert PG_URL is not None
    return PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not PG_URL:
        pytest.skip("MARQUEE_TEST_PG_URL is not set (./test sets it up when run as root)")
    name = f"marquee_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'marquee.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        content_token=TEST_TOKEN,
        demo_titles=40,
        heartbeat_flush_s=3600,  # tests flush explicitly, so batching is observable
        cdn_edges=0,  # media from the backend itself; the CDN tests start real tiers
        demo_playable=0,  # no encoding at every start; the demo-title test asks for it
    )


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """Settings for tests that exercise processes or files rather than the database engine."""
    return Settings(
        data_dir=tmp_path / "data", content_token=TEST_TOKEN, demo_titles=40, cdn_edges=0, demo_playable=0
    )


@pytest.fixture(scope="session")
def web_harness() -> Iterator[Harness]:
    """The web players' page (hls.js, dash.js) and a same-origin proxy to loopback media servers."""
    require_web_players()
    with serve_harness() as harness:
        yield harness
