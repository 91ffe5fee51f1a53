"""Idempotent writes: messages with their members, channels and topics, and the
hourly rollups, all in the caller's transaction.

A rollup row always equals a GROUP BY over its messages, whatever order the
messages arrive in (see data_access.rollups).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Table, select

from data_access import recent
from data_access.partitions import ensure_months
from data_access.retention import raw_messages_kept_since
from data_access.rollups import add_to_rollups, refresh_rollups
from data_access.schema import (
    ChannelHourly,
    Community,
    Message,
    Source,
    Topic,
)
from data_access.senders import ensure_channels, ensure_members
from data_access.sql import (
    among,
    chunked,
    insert_new_rows,
    insert_rows,
    storage_time,
    values_present,
)

MESSAGES: Table = Message.__table__
_MESSAGE_COLUMNS = (
    "community_id",
    "source_id",
    "channel_id",
    "member_id",
    "external_id",
    "sent_at",
    "hour",
    "text",
    "reply_to_external_id",
    "language",
    "sentiment",
    "kind",
    "kind_confidence",
)
_SENT_AT = _MESSAGE_COLUMNS.index("sent_at")
SOURCE_NAME_LENGTH = 200  # schema.Source.name
# The idempotency key of messages: PostgreSQL's partitioned table needs the partition key
# in it (a platform gives a message the same time on every export).
MESSAGE_KEY = {
    "sqlite": ("source_id", "external_id"),
    "postgresql": ("source_id", "external_id", "sent_at"),
}


@dataclass(frozen=True, slots=True)
class EnrichedMessage:
    """A message ready to store: parsed, with language, sentiment, kind and topic names."""

    external_id: str
    sent_at: datetime
    channel: str
    author_id: str
    author_name: str
    text: str
    reply_to: str | None
    is_bot: bool
    language: str
    sentiment: float | None
    topics: tuple[str, ...]
    author_email: str | None = None
    kind: str | None = None  # analysis.kinds
    kind_confidence: float | None = None


@dataclass(frozen=True)
class BatchResult:
    inserted: int
    duplicates: int
    past_retention: int = 0  # older than the raw messages kept: not stored, not counted


def ensure_community(conn: Connection, name: str) -> int:
    """The community's id, creating it if needed (safe when two writers race)."""
    query = select(Community.id).where(Community.name == name)
    found = conn.scalar(query)
    if found is None:
        insert_new_rows(conn, "communities", ("name",), [(name,)], ("name",), ("id",))
        found = conn.scalar(query)
    return found


def ensure_source(conn: Connection, community_id: int, name: str, platform: str) -> int:
    """The source's id, creating it if needed (safe when two writers race). The name is
    stored as the column holds it: no NUL characters, at most SOURCE_NAME_LENGTH long."""
    name = name.replace("\x00", "")[:SOURCE_NAME_LENGTH]
    query = select(Source.id).where(Source.community_id == community_id, Source.name == name)
    found = conn.scalar(query)
    if found is None:
        insert_new_rows(
            conn,
            "sources",
            ("community_id", "name", "platform"),
            [(community_id, name, platform)],
            ("community_id", "name"),
            ("id",),
        )
        found = conn.scalar(query)
    return found


def topic_ids(conn: Connection, community_id: int) -> dict[str, int]:
    rows = conn.execute(select(Topic.name, Topic.id).where(Topic.community_id == community_id))
    return {name: id_ for name, id_ in rows}


def write_batch(
    conn: Connection,
    community_id: int,
    source_id: int,
    batch: Sequence[EnrichedMessage],
    topics: dict[str, int],
    now: datetime,
) -> BatchResult:
    """Store the messages of `batch` not stored yet, and add them to the rollups and to
    the Live page's tables (minutes before `now` minus a few hours are not kept there).

    Duplicates are skipped: an id twice in the batch keeps its first copy, and an id the
    source already holds is not written again, nor is its author made a member (the unique
    key on (source, external id; and time on PostgreSQL, see MESSAGE_KEY) still guards
    concurrent writers). Messages sent before the raw messages kept (a retention removed
    them, their rollups stay) are skipped too: storing them again would count them twice.
    """
    unique, past_retention = _new_messages(conn, source_id, batch)
    if not unique:
        return BatchResult(0, len(batch) - past_retention, past_retention)
    ensure_months(conn, (m.sent_at for m in unique))
    channels = ensure_channels(conn, community_id, source_id, {m.channel for m in unique})
    hours = [hour_of(m.sent_at) for m in unique]
    members, moved_hours = ensure_members(conn, community_id, source_id, unique, hours)
    rows = _message_rows(community_id, source_id, unique, hours, channels, members, conn)
    inserted = dict(
        (external_id, id_)
        for id_, external_id in insert_new_rows(
            conn,
            "messages",
            _MESSAGE_COLUMNS,
            rows,
            MESSAGE_KEY[conn.dialect.name],
            ("id", "external_id"),
        )
    )
    links = [
        (inserted[m.external_id], topics[name], row[_SENT_AT])
        for m, row in zip(unique, rows, strict=True)
        if m.external_id in inserted
        for name in m.topics
        if name in topics
    ]
    insert_rows(conn, "message_topics", ("message_id", "topic_id", "sent_at"), links)
    new = [
        (inserted[m.external_id], channels[m.channel], hour, m)
        for m, hour in zip(unique, hours, strict=True)
        if m.external_id in inserted
    ]
    _count_in_rollups(conn, community_id, new, moved_hours)
    recent.record(
        conn, community_id, ((c, members[m.author_id], m.sent_at) for _, c, _, m in new), now
    )
    return BatchResult(len(inserted), len(batch) - len(inserted) - past_retention, past_retention)


def _new_messages(
    conn: Connection, source_id: int, batch: Sequence[EnrichedMessage]
) -> tuple[list[EnrichedMessage], int]:
    """The messages of `batch` to store (the first copy of each id, not stored yet, not
    before the raw messages kept), and how many were before those kept."""
    kept_since = raw_messages_kept_since(conn)
    in_batch: dict[str, EnrichedMessage] = {}
    for message in batch:  # the first copy of an id, whatever the batch size
        in_batch.setdefault(message.external_id, message)
    kept = [m for m in in_batch.values() if kept_since is None or m.sent_at >= kept_since]
    stored = _stored_ids(conn, source_id, [m.external_id for m in kept])
    return [m for m in kept if m.external_id not in stored], len(in_batch) - len(kept)


def _message_rows(
    community_id: int,
    source_id: int,
    messages: list[EnrichedMessage],
    hours: list[datetime],
    channels: dict[str, int],
    members: dict[str, int],
    conn: Connection,
) -> list[tuple]:
    """The rows of `messages` in _MESSAGE_COLUMNS' order, with the ids of their channels
    (by name) and members (by author id)."""
    dialect = conn.dialect.name
    stored_hours = {hour: storage_time(hour, dialect) for hour in set(hours)}
    return [
        (
            community_id,
            source_id,
            channels[m.channel],
            members[m.author_id],
            m.external_id,
            storage_time(m.sent_at, dialect),
            stored_hours[hour],
            m.text,
            m.reply_to,
            m.language,
            m.sentiment,
            m.kind,
            m.kind_confidence,
        )
        for m, hour in zip(messages, hours, strict=True)
    ]


def _stored_ids(conn: Connection, source_id: int, external_ids: list[str]) -> set[str]:
    """Which of `external_ids` the source holds already (read through its unique key)."""
    return values_present(conn, "messages", "external_id", external_ids, ("source_id", source_id))


def _count_in_rollups(conn, community_id, new, moved_hours) -> None:
    """Rollup keys (channel, hour) seen for the first time are counted from their messages
    (an import's usual case, and the cheapest); keys counted before get the batch added (a
    busy hour, where a recount would read the whole hour again). Keys whose new authors
    changed because a member's first hour moved earlier are counted again.

    `new`: (message id, channel id, hour, message) of the messages just inserted."""
    batch_keys = {(channel, hour) for _, channel, hour, _ in new}
    counted_before = _keys_at_hours(conn, community_id, {h for _, h in batch_keys}) & batch_keys
    recount = (batch_keys - counted_before) | _keys_at_hours(
        conn, community_id, {h for _, h in moved_hours}
    )
    dialect = conn.dialect.name
    added = [
        (id_, storage_time(m.sent_at, dialect))
        for id_, channel, hour, m in new
        if (channel, hour) not in recount
    ]
    add_to_rollups(conn, community_id, added)
    refresh_rollups(conn, community_id, recount)


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _keys_at_hours(
    conn: Connection, community_id: int, hours: set[datetime]
) -> set[tuple[int, datetime]]:
    """Every (channel, hour) rollup key of the community at `hours`. (Where a member's first
    hour moved earlier, the old hour's new-author counts must be counted again: asking
    which channels the member wrote in is a scan per member; recounting the hour's few
    channels is cheaper.)"""
    keys: set[tuple[int, datetime]] = set()
    for chunk in chunked(sorted(hours), 500):
        query = select(ChannelHourly.channel_id, ChannelHourly.hour).where(
            ChannelHourly.community_id == community_id, among(ChannelHourly.hour, list(chunk))
        )
        keys.update((channel_id, hour) for channel_id, hour in conn.execute(query))
    return keys


_ACTIVITY_COLUMNS = ("community_id", "source_id", "channel_id", "member_id", "kind", "at", "ref")


def write_activity(conn: Connection, community_id: int, source_id: int, activities) -> int:
    """Store joins, leaves and reactions (objects with kind, at, channel, author_id,
    author_name, ref, is_bot, author_email) not stored yet; their authors become members
    first seen then. Returns how many were new."""
    if not activities:
        return 0
    unique = list({(a.kind, a.author_id, a.at, a.ref): a for a in activities}.values())
    channels = ensure_channels(conn, community_id, source_id, {a.channel for a in unique})
    hours = [hour_of(a.at) for a in unique]
    members, moved_hours = ensure_members(conn, community_id, source_id, unique, hours)
    dialect = conn.dialect.name
    rows = [
        (
            community_id,
            source_id,
            channels[a.channel],
            members[a.author_id],
            a.kind,
            storage_time(a.at, dialect),
            a.ref,
        )
        for a in unique
    ]
    unique_key = ("source_id", "kind", "member_id", "at", "ref")
    inserted = insert_new_rows(
        conn, "member_activity", _ACTIVITY_COLUMNS, rows, unique_key, ("id",)
    )
    refresh_rollups(
        conn, community_id, _keys_at_hours(conn, community_id, {h for _, h in moved_hours})
    )
    return len(inserted)
