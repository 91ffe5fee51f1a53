"""topic totals over all channels

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ADDITIVE = (
    "messages, sentiment_sum, sentiment_count, negative_count, positive_count, unscored_count"
)


def upgrade() -> None:
    op.create_table(
        "topic_totals",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("sentiment_sum", sa.Float(), nullable=False),
        sa.Column("sentiment_count", sa.Integer(), nullable=False),
        sa.Column("negative_count", sa.Integer(), nullable=False),
        sa.Column("positive_count", sa.Integer(), nullable=False),
        sa.Column("unscored_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("topic_id", "hour"),
    )
    op.create_index("ix_topic_totals_community_hour", "topic_totals", ["community_id", "hour"])
    sums = ", ".join(f"sum({c})" for c in _ADDITIVE.split(", "))
    op.execute(
        f"INSERT INTO topic_totals (topic_id, hour, community_id, {_ADDITIVE}) "
        f"SELECT topic_id, hour, min(community_id), {sums} FROM topic_hourly "
        "GROUP BY topic_id, hour"
    )


def downgrade() -> None:
    op.drop_index("ix_topic_totals_community_hour", table_name="topic_totals")
    op.drop_table("topic_totals")
