"""Full-text search index: an FTS5 table on SQLite (PostgreSQL searches the tables directly).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE title_search USING fts5("
        "title_id UNINDEXED, name, people, genres, tags, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE title_search")
