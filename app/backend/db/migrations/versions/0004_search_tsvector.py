"""Search on PostgreSQL: a weighted tsvector per title in ``title_search``, GIN-indexed (no-op on SQLite).

SQLite keeps its FTS5 table from 0002. The documents are built by the search package (words are
folded in Python so both databases agree), so the upgrade fills the table through it as well.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from app.backend.search import make_search_index

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        "title_search",
        sa.Column(
            "title_id", sa.String(64), sa.ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("document", TSVECTOR(), nullable=False),
    )
    op.create_index("ix_title_search_document", "title_search", ["document"], postgresql_using="gin")
    make_search_index("postgresql").reindex(Session(bind=op.get_bind()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table("title_search")
