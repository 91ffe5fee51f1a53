"""Retention: raw messages older than a number of whole months are removed.

What they counted stays: hourly rollups, topic totals, forecasts and the stored weekly
figures are not touched, so every chart keeps its history. Raw messages serve drill-downs,
alert evidence and backtests, the weekly member figures of recent weeks, and re-tagging
(which from then on rebuilds a topic's rollups only from the months still kept).

The time before which messages were removed is stored (`raw_messages_kept`): an import
then skips older messages (they are counted already), and it never moves back.

PostgreSQL detaches whole month partitions (dropped, or kept as `archived_*` tables);
SQLite deletes the rows in short chunks, so the writers in between never wait long.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, text, update

from data_access.partitions import detach_month, month_of, months_back, stored_months
from data_access.schema import Community, RawMessagesKept
from data_access.sql import storage_time

# The weekly report reads 13 weeks of raw messages (its member figures); four months
# always cover them.
MINIMUM_MONTHS = 4
SQLITE_CHUNK = 5_000
Progress = Callable[[int], None]  # messages removed so far


class RetentionError(ValueError):
    pass


@dataclass(frozen=True)
class RetentionResult:
    kept_since: datetime  # raw messages sent before this are gone
    removed: int  # messages removed by this run
    months: tuple[datetime, ...] = ()  # the PostgreSQL months dropped or archived


def kept_since(now: datetime, months: int) -> datetime:
    """The first instant kept: the start of the month `months` before `now`'s (UTC), so
    the current month and the `months` whole months before it are kept."""
    return months_back(month_of(now), months).replace(tzinfo=UTC)


def validate_months(months: int) -> int:
    """0 (keep everything) or at least MINIMUM_MONTHS."""
    if months != 0 and months < MINIMUM_MONTHS:
        raise RetentionError(
            f"retention_months: keep at least {MINIMUM_MONTHS} months (the weekly report "
            f"reads 13 weeks of messages) or 0 to keep everything, got {months}"
        )
    return months


def apply_retention(
    engine: Engine,
    months: int,
    now: datetime,
    *,
    archive: bool = False,
    on_progress: Progress | None = None,
) -> RetentionResult | None:
    """Remove the raw messages sent before `kept_since(now, months)`; None when `months`
    is 0 (keep everything). With `archive`, PostgreSQL keeps the detached months as
    tables (SQLite has nothing to archive into: export the database file first)."""
    if validate_months(months) == 0:
        return None
    with engine.begin() as conn:
        since = _move_boundary(conn, kept_since(now, months))
    if engine.dialect.name == "postgresql":
        return _detach_months(engine, since, archive)
    return RetentionResult(since, _delete_in_chunks(engine, since, on_progress))


def raw_messages_kept_since(conn: Connection) -> datetime | None:
    """The time before which raw messages were removed by a retention, if one ran."""
    return conn.scalar(select(RawMessagesKept.since))


def _move_boundary(conn: Connection, since: datetime) -> datetime:
    """Store the boundary first (imports skip older messages from now on); it only moves
    forward. Returns the boundary in force."""
    stored = raw_messages_kept_since(conn)
    if stored is None:
        conn.execute(insert(RawMessagesKept).values(id=1, since=since))
    elif stored < since:
        conn.execute(update(RawMessagesKept).values(since=since))
    return max(since, stored) if stored else since


def _detach_months(engine: Engine, since: datetime, archive: bool) -> RetentionResult:
    removed, months = 0, []
    with engine.connect() as conn:
        old = [m for m in stored_months(conn) if m < since.replace(tzinfo=None)]
    for month in old:
        with engine.begin() as conn:  # one month at a time: each lock held briefly
            removed += detach_month(conn, month, archive)
        months.append(month.replace(tzinfo=UTC))
    return RetentionResult(since, removed, tuple(months))


_DELETE_CHUNK = text(
    "DELETE FROM messages WHERE id IN (SELECT id FROM messages"
    " WHERE community_id = :community_id AND sent_at < :since LIMIT :chunk)"
)


def _delete_in_chunks(engine: Engine, since: datetime, on_progress: Progress | None) -> int:
    """Delete old messages (their topic links go with them: ON DELETE CASCADE) a chunk per
    transaction, through the (community_id, sent_at) index."""
    removed = 0
    with engine.connect() as conn:
        communities = list(conn.scalars(select(Community.id)))
    stored_since = storage_time(since, "sqlite")
    for community_id in communities:
        while True:
            with engine.begin() as conn:
                deleted = conn.execute(
                    _DELETE_CHUNK,
                    {"community_id": community_id, "since": stored_since, "chunk": SQLITE_CHUNK},
                ).rowcount
            removed += deleted
            if on_progress and deleted:
                on_progress(removed)
            if deleted < SQLITE_CHUNK:
                break
    return removed
