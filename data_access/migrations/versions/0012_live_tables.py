"""recent minutes and channel members, for the Live page

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
        "channel_members",
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
        "ix_channel_members_community_last_seen",
        "channel_members",
        ["community_id", "last_seen_at"],
    )
    op.execute(
        "INSERT INTO channel_members (channel_id, member_id, community_id, last_seen_at) "
        "SELECT channel_id, member_id, min(community_id), max(sent_at) FROM messages "
        "GROUP BY channel_id, member_id"
    )
    _backfill_recent_minutes()


def _backfill_recent_minutes() -> None:
    """The minutes of the hours the Live page may show, from the messages already stored."""
    since = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=2)
    minute = (
        "date_trunc('minute', sent_at)"
        if op.get_bind().dialect.name == "postgresql"
        else r"substr(sent_at, 1, 16) || '\:00.000000'"  # "\:": not a bound parameter
    )
    op.execute(
        sa.text(
            "INSERT INTO recent_minutes (channel_id, minute, community_id, messages) "
            f"SELECT channel_id, {minute}, min(community_id), count(*) FROM messages "
            f"WHERE sent_at >= :since GROUP BY channel_id, {minute}"
        ).bindparams(since=since if op.get_bind().dialect.name == "postgresql" else str(since))
    )


def downgrade() -> None:
    op.drop_index("ix_channel_members_community_last_seen", table_name="channel_members")
    op.drop_table("channel_members")
    op.drop_index("ix_recent_minutes_community_minute", table_name="recent_minutes")
    op.drop_table("recent_minutes")
