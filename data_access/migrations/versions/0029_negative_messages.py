"""the negative messages of a range, from an index of their own

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 21:40:00

The Sentiment page lists the most negative messages of the range shown. Read down
(community_id, sent_at), every message of the range was fetched and sorted (a month at
1M messages: 330,000 rows, 0.12 to 0.27 s). A partial index of the negative ones only
(sentiment <= -0.05, VADER's cut, about a sixth of them), holding the score, gives the
range's negative messages without reading the others: 8 ms for the same month.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_messages_negative",
        "messages",
        ["community_id", "sent_at", "sentiment"],
        sqlite_where=sa.text("sentiment <= -0.05"),
        postgresql_where=sa.text("sentiment <= -0.05"),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_negative", table_name="messages")
