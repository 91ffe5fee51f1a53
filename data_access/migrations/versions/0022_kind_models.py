"""a community's own kind model, tuned on its corrections

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 03:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kind_models",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.JSON(), nullable=False),
        sa.Column("bias_delta", sa.JSON(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("trained_by", sa.String(length=100), nullable=False),
        sa.Column("trained_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("community_id"),
    )


def downgrade() -> None:
    op.drop_table("kind_models")
