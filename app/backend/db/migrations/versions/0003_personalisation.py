"""Personalisation: quiz tastes on profiles and the per-profile recommendation cache.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch_op:
        batch_op.add_column(sa.Column("taste_genres", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "recommendations",
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("computed_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_recommendations_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_recommendations")),
    )


def downgrade() -> None:
    op.drop_table("recommendations")
    with op.batch_alter_table("profiles") as batch_op:
        batch_op.drop_column("taste_genres")
