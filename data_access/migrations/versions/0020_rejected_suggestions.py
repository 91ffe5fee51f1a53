"""topics suggested by discovery and rejected by an analyst, not offered again

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 03:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rejected_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("rejected_by", sa.String(length=100), nullable=False),
        sa.Column("rejected_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_rejected_suggestions_community_id", "rejected_suggestions", ["community_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_rejected_suggestions_community_id", table_name="rejected_suggestions")
    op.drop_table("rejected_suggestions")
