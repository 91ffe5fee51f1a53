"""recent minutes and recent members, for the Live page

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 13:30:00
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recent_minutes",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("minute", sa.DateTime(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"]),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("channel_id", "minute"),
    )
    op.create_index(
        "ix_recent_minutes_community_minute", "recent_minutes", ["community_id", "minute"]
    )
    op.create_table(
        "recent_members",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"]),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("channel_id", "member_id"),
    )
    op.create_index(
        "ix_recent_members_community_last_seen",
        "recent_members",
        ["community_id", "last_seen_at"],
    )
    _backfill_the_last_hours()


def _backfill_the_last_hours() -> None:
    """Both tables for the hours the Live page may show, from the messages already stored."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    since = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=2)
    minute = (
        "date_trunc('minute', sent_at)"
        if postgresql
        else r"substr(sent_at, 1, 16) || '\:00.000000'"  # "\:": not a bound parameter
    )
    for insert, key, value in (
        ("recent_minutes (channel_id, minute, community_id, messages)", minute, "count(*)"),
        (
            "recent_members (channel_id, member_id, community_id, last_seen_at)",
            "member_id",
            "max(sent_at)",
        ),
    ):
        op.execute(
            sa.text(
                f"INSERT INTO {insert} SELECT channel_id, {key}, min(community_id), {value} "
                f"FROM messages WHERE sent_at >= :since GROUP BY channel_id, {key}"
            ).bindparams(since=since if postgresql else str(since))
        )


def downgrade() -> None:
    op.drop_index("ix_recent_members_community_last_seen", table_name="recent_members")
    op.drop_table("recent_members")
    op.drop_index("ix_recent_minutes_community_minute", table_name="recent_minutes")
    op.drop_table("recent_minutes")
