"""the alert rules' reads answered from indexes alone

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 10:40:00

A backtest reads a month of messages (330,000 rows at 1M messages): their minute,
channel, author and score. Read down (community_id, sent_at), every row was fetched
from the table itself, text and all. The index now holds those columns too, so the
read never leaves it (SQLite: 0.42 -> 0.31 s for that month). A topic's share and
forecast count its links per minute: they were found through a join to the messages;
an index of the links by (topic_id, sent_at) gives them alone (0.41 -> 0.14 s). Both
replace the narrower index they extend, so a write updates as many indexes as before.

The partial index of negative messages is made again after the wider one: SQLite, with
no statistics, takes the newer of two indexes that serve a query equally well, and the
Sentiment page's most negative messages must come from their own index
(tests/test_query_plans.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

MESSAGES_NOW = ["community_id", "sent_at", "channel_id", "member_id", "sentiment"]
LINKS_NOW = ["topic_id", "sent_at", "message_id"]


def upgrade() -> None:
    op.drop_index("ix_messages_community_sent", table_name="messages")
    op.create_index("ix_messages_community_sent", "messages", MESSAGES_NOW)
    op.drop_index("ix_messages_negative", table_name="messages")
    _negative_index()
    op.drop_index("ix_message_topics_topic", table_name="message_topics")
    op.create_index("ix_message_topics_topic", "message_topics", LINKS_NOW)


def downgrade() -> None:
    op.drop_index("ix_message_topics_topic", table_name="message_topics")
    op.create_index("ix_message_topics_topic", "message_topics", ["topic_id", "message_id"])
    op.drop_index("ix_messages_community_sent", table_name="messages")
    op.create_index("ix_messages_community_sent", "messages", ["community_id", "sent_at"])
    op.drop_index("ix_messages_negative", table_name="messages")
    _negative_index()


def _negative_index() -> None:
    op.create_index(
        "ix_messages_negative",
        "messages",
        ["community_id", "sent_at", "sentiment"],
        sqlite_where=sa.text("sentiment <= -0.05"),
        postgresql_where=sa.text("sentiment <= -0.05"),
    )
