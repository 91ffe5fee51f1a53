"""recount the stored weekly figures: questions count only where replies are recorded

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 05:20:00

The response rate asked every question with a "?" to be answered, also in sources that
never record a reply (WeChat, QQ and WhatsApp text exports, IRC logs), where no answer
can ever be seen: such a group always read 0% answered and lost a quarter of its health
score. Questions now count only in sources with at least one reply. The stored figures
(a cache of counts) are dropped, so the worker and the pages count them again.
"""

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM weekly_figures")


def downgrade() -> None:
    pass  # a cache: counted again either way
