"""Alembic migrations build the full schema on SQLite and PostgreSQL, and re-running them is a no-op."""

from __future__ import annotations

from sqlalchemy import inspect

from app.backend.db.base import Base
from app.backend.db.engine import make_engine
from app.backend.db.migrate import current_revision, upgrade_to_head


def test_upgrade_creates_every_model_table_and_is_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    upgrade_to_head(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with engine.connect() as connection:
        assert current_revision(connection) == "0006"
    if engine.dialect.name == "sqlite":
        assert "title_search" in tables
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
