"""messages and their topic links partitioned by month on PostgreSQL; retention boundary

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 15:00:00

message_topics gains the message's sent_at (both databases). On PostgreSQL both tables
are rebuilt as range-partitioned tables, one partition per month of sent_at, with the
rows copied over (minutes for millions of messages; ids and the id sequence kept).
"""

import sqlalchemy as sa
from alembic import op

from data_access.partitions import ensure_months

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_LINKS_WITH_TIMES = (
    "SELECT mt.message_id, mt.topic_id, m.sent_at FROM {links} mt"
    " JOIN {messages} m ON m.id = mt.message_id"
)


def upgrade() -> None:
    op.create_table(
        "raw_messages_kept",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _partition_by_month()
    else:
        _links_with_times()


def _links_with_times() -> None:
    op.create_table(
        "message_topics_new",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "topic_id"),
    )
    op.execute(
        "INSERT INTO message_topics_new (message_id, topic_id, sent_at) "
        + _LINKS_WITH_TIMES.format(links="message_topics", messages="messages")
    )
    op.drop_table("message_topics")
    op.rename_table("message_topics_new", "message_topics")
    op.create_index("ix_message_topics_topic", "message_topics", ["topic_id", "message_id"])


def _partition_by_month() -> None:
    op.execute("ALTER TABLE message_topics RENAME TO message_topics_unpartitioned")
    op.execute("ALTER TABLE messages RENAME TO messages_unpartitioned")
    op.execute(
        "CREATE TABLE messages (LIKE messages_unpartitioned INCLUDING DEFAULTS)"
        " PARTITION BY RANGE (sent_at)"
    )
    op.execute(
        "CREATE TABLE message_topics (message_id integer NOT NULL, topic_id integer NOT NULL,"
        " sent_at timestamp without time zone NOT NULL) PARTITION BY RANGE (sent_at)"
    )
    bind = op.get_bind()
    months = bind.execute(
        sa.text("SELECT DISTINCT date_trunc('month', sent_at) FROM messages_unpartitioned")
    ).scalars()
    ensure_months(bind, list(months))
    op.execute("INSERT INTO messages SELECT * FROM messages_unpartitioned")
    op.execute(
        "INSERT INTO message_topics (message_id, topic_id, sent_at) "
        + _LINKS_WITH_TIMES.format(
            links="message_topics_unpartitioned", messages="messages_unpartitioned"
        )
    )
    op.execute("ALTER SEQUENCE messages_id_seq OWNED BY NONE")
    op.drop_table("message_topics_unpartitioned")
    op.drop_table("messages_unpartitioned")
    op.execute("ALTER SEQUENCE messages_id_seq OWNED BY messages.id")
    _keys_and_indexes()


def _keys_and_indexes() -> None:
    """Built after the copy (faster than keeping them up to date row by row); on a
    partitioned table each is created on every partition, and on those made later."""
    op.create_primary_key("messages_pkey", "messages", ["id", "sent_at"])
    op.create_unique_constraint(
        "uq_messages_source_external", "messages", ["source_id", "external_id", "sent_at"]
    )
    for column, parent in (
        ("community_id", "communities"),
        ("source_id", "sources"),
        ("channel_id", "channels"),
        ("member_id", "members"),
    ):
        op.create_foreign_key(None, "messages", parent, [column], ["id"])
    op.create_index(
        "ix_messages_channel_hour_member", "messages", ["channel_id", "hour", "member_id"]
    )
    op.create_index("ix_messages_community_sent", "messages", ["community_id", "sent_at"])
    op.create_index("ix_messages_community_sentiment", "messages", ["community_id", "sentiment"])
    op.create_primary_key(
        "message_topics_pkey", "message_topics", ["message_id", "topic_id", "sent_at"]
    )
    op.create_foreign_key(
        None,
        "message_topics",
        "messages",
        ["message_id", "sent_at"],
        ["id", "sent_at"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        None, "message_topics", "topics", ["topic_id"], ["id"], ondelete="CASCADE"
    )
    op.create_index("ix_message_topics_topic", "message_topics", ["topic_id", "message_id"])


def downgrade() -> None:
    raise NotImplementedError("0013 is not reversible: the partitioned layout stays")
