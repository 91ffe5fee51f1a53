"""messages indexed by channel, hour and member

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 13:00:00

Adding a batch to the rollups asks, per new message, whether its author already wrote in
that channel and hour: one index lookup with the member in the index. The old index is a
prefix of the new one, so it goes.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_messages_channel_hour_member", "messages", ["channel_id", "hour", "member_id"]
    )
    op.drop_index("ix_messages_channel_hour", table_name="messages")


def downgrade() -> None:
    op.create_index("ix_messages_channel_hour", "messages", ["channel_id", "hour"])
    op.drop_index("ix_messages_channel_hour_member", table_name="messages")
