"""what was emerging in a community when the worker looked, for the "emerging term" alert
metric

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emerging_term_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=True),
        sa.Column("z", sa.Float(), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.Column("recent", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("authors", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_emerging_term_snapshots_community_at",
        "emerging_term_snapshots",
        ["community_id", "at"],
    )


def downgrade() -> None:
    op.drop_index("ix_emerging_term_snapshots_community_at", table_name="emerging_term_snapshots")
    op.drop_table("emerging_term_snapshots")
