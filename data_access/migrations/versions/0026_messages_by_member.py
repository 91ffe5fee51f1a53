"""messages indexed by member and time, and by what they reply to

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 13:00:00

A member's profile reads their messages, the replies they got and whom they answered: by
member and time, one index range per account; the replies to a message by the message it
replies to. Forgetting a member finds their messages the same way.
"""

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_messages_member_sent", "messages", ["member_id", "sent_at"])
    op.create_index("ix_messages_reply_to", "messages", ["source_id", "reply_to_external_id"])


def downgrade() -> None:
    op.drop_index("ix_messages_reply_to", table_name="messages")
    op.drop_index("ix_messages_member_sent", table_name="messages")
