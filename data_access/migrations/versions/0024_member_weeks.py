"""each person's week: activity, lifecycle state, engagement and level (issue 19)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *[
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "messages",
                "replies_given",
                "replies_received",
                "partners",
                "threads_started",
                "answers",
                "reactions",
            )
        ],
        sa.Column("state", sa.String(length=20), nullable=True),
        sa.Column("engagement", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_member_weeks_community_week", "member_weeks", ["community_id", "timezone", "week"]
    )
    op.create_index("ix_member_weeks_person", "member_weeks", ["community_id", "person_id"])
    op.create_table(
        "member_week_counts",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("community_id", "timezone", "week"),
    )


def downgrade() -> None:
    op.drop_table("member_week_counts")
    op.drop_index("ix_member_weeks_person", table_name="member_weeks")
    op.drop_index("ix_member_weeks_community_week", table_name="member_weeks")
    op.drop_table("member_weeks")
