"""segments of members: where each person wrote each week, staff tags and notes, saved
segments (issue 19)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

TRAITS = (("channels", sa.Text()), ("topics", sa.Text()))
TRAITS += (("languages", sa.String(length=200)), ("kinds", sa.String(length=200)))


def upgrade() -> None:
    with op.batch_alter_table("member_weeks") as table:
        for name, kind in TRAITS:
            table.add_column(sa.Column(name, kind, nullable=False, server_default=""))
    # the stored weeks lack where people wrote: let the worker count them again
    op.execute("DELETE FROM member_week_counts")
    op.create_table(
        "member_tags",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("community_id", "person_id", "tag"),
    )
    op.create_table(
        "member_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=100), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_notes_person", "member_notes", ["community_id", "person_id"])
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("saved_by", sa.String(length=100), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("segments")
    op.drop_index("ix_member_notes_person", table_name="member_notes")
    op.drop_table("member_notes")
    op.drop_table("member_tags")
    with op.batch_alter_table("member_weeks") as table:
        for name, _kind in TRAITS:
            table.drop_column(name)
