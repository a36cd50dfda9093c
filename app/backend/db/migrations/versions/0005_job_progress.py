"""Encoding workflow: each job's encode id, and its progress as one row per step, rung or note.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("encoding_jobs") as batch_op:
        batch_op.add_column(sa.Column("encode_id", sa.String(length=64), nullable=True))
    op.create_table(
        "encoding_job_progress",
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("part", sa.String(length=100), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["encoding_jobs.id"],
            name=op.f("fk_encoding_job_progress_job_id_encoding_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "part", name=op.f("pk_encoding_job_progress")),
    )


def downgrade() -> None:
    op.drop_table("encoding_job_progress")
    with op.batch_alter_table("encoding_jobs") as batch_op:
        batch_op.drop_column("encode_id")
