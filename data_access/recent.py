"""What the Live page reads, kept as messages arrive, over the last few hours only:
messages per channel and minute (`recent_minutes`), and each member's newest message per
channel (`recent_members`). Written in the import's transaction from the messages it
inserted, so the page never counts a busy hour's raw messages; an import of old history
costs them nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, delete, distinct, func, select

from data_access.schema import Member, RecentMember, RecentMinute
from data_access.sql import insert_rows, storage_time

KEPT_HOURS = 2  # the Live page looks one hour back; a second keeps a slow import's minutes


def recent_since(now: datetime) -> datetime:
    """The oldest moment both tables keep at `now`; reads must start at or after it."""
    return now.replace(second=0, microsecond=0) - timedelta(hours=KEPT_HOURS)


def record(
    conn: Connection,
    community_id: int,
    messages: Iterable[tuple[int, int, datetime]],
    now: datetime,
) -> None:
    """Count new messages (channel_id, member_id, sent_at) sent since `recent_since(now)`,
    and forget what is older."""
    since = recent_since(now)
    recent = [(c, m, t) for c, m, t in messages if t >= since]
    if not recent:
        return
    dialect = conn.dialect.name
    minutes = Counter((c, t.replace(second=0, microsecond=0)) for c, _, t in recent)
    insert_rows(  # sorted: one row order for every writer, no deadlock on PostgreSQL
        conn,
        "recent_minutes",
        ("channel_id", "minute", "community_id", "messages"),
        sorted((c, storage_time(t, dialect), community_id, n) for (c, t), n in minutes.items()),
        "ON CONFLICT (channel_id, minute) DO UPDATE"
        " SET messages = recent_minutes.messages + excluded.messages",
    )
    newest: dict[tuple[int, int], datetime] = {}
    for channel, member, sent_at in recent:
        if sent_at > newest.get((channel, member), since):
            newest[(channel, member)] = sent_at
    insert_rows(
        conn,
        "recent_members",
        ("channel_id", "member_id", "community_id", "last_seen_at"),
        sorted((c, m, community_id, storage_time(t, dialect)) for (c, m), t in newest.items()),
        "ON CONFLICT (channel_id, member_id) DO UPDATE SET last_seen_at = CASE"
        " WHEN excluded.last_seen_at > recent_members.last_seen_at"
        " THEN excluded.last_seen_at ELSE recent_members.last_seen_at END",
    )
    for table, column in (
        (RecentMinute, RecentMinute.minute),
        (RecentMember, RecentMember.last_seen_at),
    ):
        conn.execute(delete(table).where(table.community_id == community_id, column < since))


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
    `since` (within the kept hours) in the chosen channels."""
    query = (
        select(func.count(distinct(func.coalesce(Member.person_id, Member.id))))
        .select_from(RecentMember)
        .join(Member, Member.id == RecentMember.member_id)
        .where(
            RecentMember.community_id == community_id,
            RecentMember.last_seen_at >= since,
            Member.is_bot.is_(False),
        )
    )
    if channel_ids is not None:
        query = query.where(RecentMember.channel_id.in_(channel_ids))
    return int(conn.scalar(query))
