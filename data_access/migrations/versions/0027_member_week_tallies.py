"""what the Members page reads, stored by the worker: tallies per week, and each person's
week with its previous state, engagement growth and last active week (issue 19)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 18:00:00

The Members page grouped up to 30 weeks of rows on every view (3 s at 100,000 members);
the worker now stores the counts when it counts a week. The stored weeks lack the new
columns: the worker counts them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member_weeks") as table:
        table.add_column(sa.Column("previous_state", sa.String(length=20), nullable=True))
        table.add_column(sa.Column("growth", sa.Float(), nullable=False, server_default="0"))
        table.add_column(
            sa.Column("last_active", sa.String(length=8), nullable=False, server_default="")
        )
    op.execute("DELETE FROM member_week_counts")
    op.create_table(
        "member_week_tallies",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("tally", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("community_id", "timezone", "week", "tally", "category", "target"),
    )


def downgrade() -> None:
    op.drop_table("member_week_tallies")
    with op.batch_alter_table("member_weeks") as table:
        for name in ("last_active", "growth", "previous_state"):
            table.drop_column(name)
