"""identity decisions confirmed together carry their batch, to be undone together

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 08:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identity_decisions") as table:
        table.add_column(sa.Column("batch", sa.String(length=40), nullable=True))
    op.create_index("ix_identity_decisions_batch", "identity_decisions", ["batch"])


def downgrade() -> None:
    op.drop_index("ix_identity_decisions_batch", table_name="identity_decisions")
    with op.batch_alter_table("identity_decisions") as table:
        table.drop_column("batch")
