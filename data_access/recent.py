"""What the Live page reads, kept as messages arrive: messages per channel and minute over
the last hours (`recent_minutes`), and each member's newest message per channel
(`channel_members`). Both are written in the import's transaction, from the messages it
inserted, so the page never counts a busy hour's raw messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, delete, distinct, func, select

from data_access.schema import ChannelMember, Member, RecentMinute
from data_access.sql import storage_time

KEPT_HOURS = 2  # the Live trace shows one; a second keeps a slow import's minutes


def recent_since(now: datetime) -> datetime:
    """The oldest minute `recent_minutes` keeps at `now`."""
    return now.replace(second=0, microsecond=0) - timedelta(hours=KEPT_HOURS)


def record(
    conn: Connection,
    community_id: int,
    messages: Sequence[tuple[int, int, datetime]],
    now: datetime,
) -> None:
    """Count new messages (channel_id, member_id, sent_at) into both tables, and forget
    minutes older than `recent_since(now)`."""
    if not messages:
        return
    dialect = conn.dialect.name
    since = recent_since(now)
    minutes = Counter(
        (channel, sent_at.replace(second=0, microsecond=0))
        for channel, _, sent_at in messages
        if sent_at >= since
    )
    _upsert(
        conn,
        "recent_minutes (channel_id, minute, community_id, messages)",
        [(c, storage_time(m, dialect), community_id, n) for (c, m), n in minutes.items()],
        "(channel_id, minute)",
        "messages = recent_minutes.messages + excluded.messages",
    )
    conn.execute(
        delete(RecentMinute).where(
            RecentMinute.community_id == community_id, RecentMinute.minute < since
        )
    )
    newest: dict[tuple[int, int], datetime] = {}
    for channel, member, sent_at in messages:
        if (channel, member) not in newest or sent_at > newest[(channel, member)]:
            newest[(channel, member)] = sent_at
    _upsert(
        conn,
        "channel_members (channel_id, member_id, community_id, last_seen_at)",
        [(c, m, community_id, storage_time(t, dialect)) for (c, m), t in newest.items()],
        "(channel_id, member_id)",
        "last_seen_at = CASE WHEN excluded.last_seen_at > channel_members.last_seen_at"
        " THEN excluded.last_seen_at ELSE channel_members.last_seen_at END",
    )


def _upsert(conn: Connection, target: str, rows: list[tuple], key: str, update: str) -> None:
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    marks = ", ".join([mark] * len(rows[0]))
    cursor = conn.connection.cursor()  # the driver's, in the connection's transaction
    cursor.executemany(
        f"INSERT INTO {target} VALUES ({marks}) ON CONFLICT {key} DO UPDATE SET {update}",
        sorted(rows),  # one order for every writer: no deadlock between two on PostgreSQL
    )
    cursor.close()


def messages_per_minute(
    conn: Connection,
    community_id: int,
    start: datetime,
    end: datetime,
    channel_ids: Sequence[int] | None,
) -> pd.Series:
    """Messages per whole UTC minute in [start, end) (start within the kept hours),
    minutes without messages left out."""
    query = select(RecentMinute.minute, func.sum(RecentMinute.messages)).where(
        RecentMinute.community_id == community_id,
        RecentMinute.minute >= start,
        RecentMinute.minute < end,
    )
    if channel_ids is not None:
        query = query.where(RecentMinute.channel_id.in_(channel_ids))
    rows = conn.execute(query.group_by(RecentMinute.minute)).all()
    index = pd.DatetimeIndex([minute for minute, _ in rows], tz="UTC")
    return pd.Series([int(n) for _, n in rows], index=index, dtype=int)


def members_active_since(
    conn: Connection, community_id: int, since: datetime, channel_ids: Sequence[int] | None
) -> int:
    """Distinct people (merged accounts once, bots never) with a message at or after
    `since` in the chosen channels."""
    query = (
        select(func.count(distinct(func.coalesce(Member.person_id, Member.id))))
        .select_from(ChannelMember)
        .join(Member, Member.id == ChannelMember.member_id)
        .where(
            ChannelMember.community_id == community_id,
            ChannelMember.last_seen_at >= since,
            Member.is_bot.is_(False),
        )
    )
    if channel_ids is not None:
        query = query.where(ChannelMember.channel_id.in_(channel_ids))
    return int(conn.scalar(query))
