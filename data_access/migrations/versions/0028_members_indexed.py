"""members indexed by first hour, by person, and the flagged ones; episodes by end

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 20:40:00

Pages read a community's members without reading all of them: the people new in a range
(by first hour seen), the accounts of a few people (by the person they were
merged into), the bots and staff (a partial index of the flagged accounts); and the alert
episodes still open or ended in a range (by community and end), not all of them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # first hour first: a community's members are read by it only within a range
    op.create_index("ix_members_first_seen", "members", ["first_seen_hour", "community_id"])
    op.create_index("ix_members_person", "members", ["person_id"])
    op.create_index(
        "ix_members_flagged",
        "members",
        ["community_id"],
        sqlite_where=sa.text("is_bot = 1 OR is_staff = 1"),
        postgresql_where=sa.text("is_bot OR is_staff"),
    )
    op.create_index(
        "ix_alert_episodes_community_ended", "alert_episodes", ["community_id", "ended_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_alert_episodes_community_ended", table_name="alert_episodes")
    op.drop_index("ix_members_flagged", table_name="members")
    op.drop_index("ix_members_person", table_name="members")
    op.drop_index("ix_members_first_seen", table_name="members")
