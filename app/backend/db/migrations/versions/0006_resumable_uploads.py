"""Resumable uploads of masters: declared size and checksum, acknowledged offset, expiry.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resumable_uploads",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_bytes", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("OPEN", "COMPLETE", name="uploadstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("master_path", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resumable_uploads")),
    )
    op.create_index(
        op.f("ix_resumable_uploads_expires_at"), "resumable_uploads", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_resumable_uploads_expires_at"), table_name="resumable_uploads")
    op.drop_table("resumable_uploads")
