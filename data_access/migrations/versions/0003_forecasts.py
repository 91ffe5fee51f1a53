"""forecasts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 08:11:30.711333
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("series_kind", sa.String(length=20), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("history_end", sa.DateTime(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("backtest_mae", sa.Float(), nullable=True),
        sa.Column("backtest_inside", sa.Float(), nullable=True),
        sa.Column("backtest_days", sa.Integer(), nullable=True),
        sa.Column("backtest_for", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "series_kind", "series_id"),
    )
    op.create_table(
        "forecast_points",
        sa.Column("forecast_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("yhat", sa.Float(), nullable=False),
        sa.Column("yhat_lower", sa.Float(), nullable=False),
        sa.Column("yhat_upper", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["forecast_id"], ["forecasts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("forecast_id", "hour"),
    )


def downgrade() -> None:

    op.drop_table("forecast_points")
    op.drop_table("forecasts")
