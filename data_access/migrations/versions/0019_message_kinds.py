"""each message's kind (question, bug report, feature request, complaint, praise, other)
and the count of each kind in every hourly rollup

Messages already stored are read now (analysis.kinds, with the sentiment stored beside
them), in batches, and the kind counts of the rollups are counted from them. Hours whose
raw messages a retention removed keep 0: their kinds cannot be read any more.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 02:30:00
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

log = logging.getLogger("ecg")
KIND_COUNTS = {
    kind: f"{kind}_count"
    for kind in ("question", "bug_report", "feature_request", "complaint", "praise")
}
ROLLUPS = ("channel_hourly", "topic_hourly", "topic_totals")
BATCH = 5_000


def upgrade() -> None:
    with op.batch_alter_table("messages") as table:
        table.add_column(sa.Column("kind", sa.String(length=20), nullable=True))
        table.add_column(sa.Column("kind_confidence", sa.Float(), nullable=True))
    for rollup in ROLLUPS:
        with op.batch_alter_table(rollup) as table:
            for column in KIND_COUNTS.values():
                table.add_column(
                    sa.Column(column, sa.Integer(), nullable=False, server_default="0")
                )
    read = _read_stored_messages(op.get_bind())
    if read:
        _count_kinds_in_rollups()


def _read_stored_messages(conn) -> int:
    """Give every stored message its kind; how many were read."""
    from analysis.kinds import read_kind

    done, after = 0, -1
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT id, sent_at, text, sentiment FROM messages WHERE id > :after "
                "ORDER BY id LIMIT :batch"
            ),
            {"after": after, "batch": BATCH},
        ).all()
        if not rows:
            return done
        readings = []
        for id_, sent_at, text, sentiment in rows:
            reading = read_kind(text or "", sentiment)
            readings.append(
                {"id": id_, "sent_at": sent_at, "kind": reading.kind, "c": reading.confidence}
            )
        conn.execute(
            sa.text(
                "UPDATE messages SET kind = :kind, kind_confidence = :c "
                "WHERE id = :id AND sent_at = :sent_at"
            ),
            readings,
        )
        done += len(rows)
        after = rows[-1][0]
        if done % 100_000 < BATCH:
            log.info("read the kind of %s stored messages", f"{done:,}")


def _count_kinds_in_rollups() -> None:
    def counts(where: str, join: str = "") -> str:
        return ", ".join(
            f"{column} = (SELECT count(*) FROM messages m {join} WHERE {where} "
            f"AND m.kind = '{kind}')"
            for kind, column in KIND_COUNTS.items()
        )

    same_key = "m.channel_id = r.channel_id AND m.hour = r.hour AND m.sent_at >= r.hour"
    op.execute(f"UPDATE channel_hourly AS r SET {counts(same_key)}")
    in_topic = counts(
        f"{same_key} AND mt.topic_id = r.topic_id",
        "JOIN message_topics mt ON mt.message_id = m.id AND mt.sent_at = m.sent_at",
    )
    op.execute(f"UPDATE topic_hourly AS r SET {in_topic}")
    sums = ", ".join(
        f"{column} = (SELECT coalesce(sum(h.{column}), 0) FROM topic_hourly h "
        "WHERE h.topic_id = r.topic_id AND h.hour = r.hour)"
        for column in KIND_COUNTS.values()
    )
    op.execute(f"UPDATE topic_totals AS r SET {sums}")


def downgrade() -> None:
    for rollup in ROLLUPS:
        with op.batch_alter_table(rollup) as table:
            for column in KIND_COUNTS.values():
                table.drop_column(column)
    with op.batch_alter_table("messages") as table:
        table.drop_column("kind_confidence")
        table.drop_column("kind")
