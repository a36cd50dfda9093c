"""Alembic environment: runs on the connection handed in by :mod:`app.backend.db.migrate`."""

from __future__ import annotations

from alembic import context

from app.backend.db import models  # noqa: F401  (registers every table on Base.metadata)
from app.backend.db.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through app.backend.db.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
