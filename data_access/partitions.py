"""PostgreSQL keeps raw messages and their topic links in one partition per calendar
month (UTC) of `sent_at`, so a month is dropped or archived without touching the others.

A month's partitions must exist before its rows arrive: every write of messages asks
for them first (`ensure_months`), and the worker creates the coming month's ahead of
time. SQLite has no partitions; every function here is then a no-op.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Connection, Engine, and_, text

from data_access.db import in_transaction
from data_access.schema import Message, MessageTopic

PARTITIONED = ("messages", "message_topics")  # parents, in the order rows are written
_LOCK = (0x45434700, 1)  # pg_advisory_xact_lock(int, int): apart from the community locks
_NAME = re.compile(r"^messages_(\d{4})_(\d{2})$")


def month_of(moment: datetime) -> datetime:
    """The first instant of `moment`'s month, naive UTC (as stored)."""
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None, day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(month: datetime) -> datetime:
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def months_back(month: datetime, count: int) -> datetime:
    """The month `count` months before `month`."""
    index = month.year * 12 + month.month - 1 - count
    return month.replace(year=index // 12, month=index % 12 + 1)


def months_from(first: datetime, last: datetime) -> list[datetime]:
    """Every month from `first`'s to `last`'s, both included."""
    month, end = month_of(first), month_of(last)
    months = []
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def partition_name(table: str, month: datetime) -> str:
    return f"{table}_{month:%Y_%m}"


def links_joined(start: datetime, end: datetime, topic_id: int | None = None) -> ColumnElement:
    """The join of message_topics to the messages sent in [start, end) (of one topic when
    given). The range is repeated on the links' own sent_at: PostgreSQL does not carry it
    across the join itself, and would otherwise read the links of every month."""
    condition = and_(
        MessageTopic.message_id == Message.id,
        MessageTopic.sent_at == Message.sent_at,
        MessageTopic.sent_at >= start,
        MessageTopic.sent_at < end,
    )
    return condition if topic_id is None else and_(condition, MessageTopic.topic_id == topic_id)


def is_partitioned(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def stored_months(conn: Connection) -> list[datetime]:
    """The months that have partitions, oldest first ([] on SQLite)."""
    if not is_partitioned(conn):
        return []
    names = conn.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'messages'::regclass"
        )
    )
    found = (_NAME.match(name) for name in names)
    return sorted(datetime(int(m[1]), int(m[2]), 1) for m in found if m)


def ensure_months(conn: Connection, moments: Iterable[datetime]) -> list[datetime]:
    """Create, in the caller's transaction, the partitions of the months of `moments` that
    do not exist yet; returns those months. Concurrent writers take turns (an advisory
    lock), so two never create the same month."""
    if not is_partitioned(conn):
        return []
    wanted = {month_of(moment) for moment in moments}
    if wanted <= set(stored_months(conn)):
        return []
    conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _LOCK[0], "b": _LOCK[1]})
    missing = sorted(wanted - set(stored_months(conn)))
    for month in missing:
        for table in PARTITIONED:
            conn.execute(
                text(
                    f"CREATE TABLE {partition_name(table, month)} PARTITION OF {table} "
                    f"FOR VALUES FROM ('{month:%Y-%m-%d}') TO ('{next_month(month):%Y-%m-%d}')"
                )
            )
    return missing


def make_months_first(engine: Engine, moments: Iterable[datetime]) -> None:
    """The partitions of the months of `moments`, made in a transaction of their own before
    the transaction that writes into them (PostgreSQL; nothing on SQLite). Made inside the
    writing transaction, a new month deadlocks two writers: creating a partition locks
    the tables its foreign keys reference (sources, channels, members), which the other
    writer holds while it waits for the partition (it was retried; now it does not
    happen)."""
    if engine.dialect.name != "postgresql":
        return
    wanted = list(moments)
    in_transaction(engine, lambda conn: ensure_months(conn, wanted))


def detach_month(conn: Connection, month: datetime, archive: bool) -> int:
    """Take a month's partitions out of the tables; returns how many messages they held.
    Dropped, or with `archive` kept as plain tables `archived_messages_YYYY_MM` and
    `archived_message_topics_YYYY_MM` (for pg_dump, then DROP TABLE)."""
    messages = partition_name("messages", month)
    links = partition_name("message_topics", month)
    # Detaching waits for every open reader of the table, and writers queue behind it:
    # rather give up (the worker tries again the next day) than stall the imports.
    conn.execute(text("SET LOCAL lock_timeout = '10s'"))
    count = conn.scalar(text(f"SELECT count(*) FROM {messages}"))
    conn.execute(text(f"ALTER TABLE message_topics DETACH PARTITION {links}"))
    if archive:
        # the detached links still point at `messages`, where their rows are about to leave
        for (constraint,) in conn.execute(
            text(
                "SELECT conname FROM pg_constraint"
                " WHERE conrelid = CAST(:links AS regclass) AND contype = 'f'"
                " AND confrelid = 'messages'::regclass"
            ),
            {"links": links},
        ):
            conn.execute(text(f'ALTER TABLE {links} DROP CONSTRAINT "{constraint}"'))
        conn.execute(text(f"ALTER TABLE {links} RENAME TO archived_{links}"))
    else:
        conn.execute(text(f"DROP TABLE {links}"))
    conn.execute(text(f"ALTER TABLE messages DETACH PARTITION {messages}"))
    if archive:
        conn.execute(text(f"ALTER TABLE {messages} RENAME TO archived_{messages}"))
    else:
        conn.execute(text(f"DROP TABLE {messages}"))
    return count
