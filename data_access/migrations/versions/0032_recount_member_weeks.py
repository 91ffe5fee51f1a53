"""recount the members' weeks: a group chat's turns are replies where none are recorded

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 14:00:00

A source that records no replies (WeChat, QQ and WhatsApp text exports, IRC logs) gave
its members no replies and no partners, so none of them could ever be vital. A message
sent within 5 minutes of another person's in the same channel now counts as a reply to
them there. The counts of the kept weeks are dropped, so the worker counts every kept
week again (as on its first run) and the states follow.
"""

from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM member_week_counts")


def downgrade() -> None:
    pass  # a change marker: counted again either way
