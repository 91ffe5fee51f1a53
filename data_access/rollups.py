"""Hourly rollups: a rollup row always equals a GROUP BY over its messages.

New messages are added to their rows (`add_to_rollups`: counts added, an author counted
where the key has no earlier message of theirs), so a busy hour costs each batch only its
own messages. Whatever changes messages already counted (a first hour moving earlier, a
member marked staff, a topic rule edited) recounts the keys it touches from scratch
(`refresh_rollups`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import Connection, bindparam, delete, text

from analysis.kinds import KIND_COUNT_COLUMNS
from data_access.schema import (
    ADDITIVE_COLUMNS,
    METRIC_COLUMNS,
    MessageTopic,
    TopicHourly,
    TopicTotal,
    UTCDateTime,
)
from data_access.sql import create_rollup_keys, insert_rows, storage_time

_EVER = datetime(1970, 1, 1, tzinfo=UTC)


def add_to_rollups(
    conn: Connection, community_id: int, messages: Sequence[tuple[int, datetime | str]]
) -> None:
    """Add just-inserted messages ((id, sent_at as stored) pairs; with their topic links and
    members) to the channel and topic rollups and the topic totals."""
    if not messages:
        return
    _one_writer_per_community(conn, community_id)
    conn.execute(text(_CREATE_NEW_MESSAGES))
    conn.execute(text("DELETE FROM new_messages"))
    insert_rows(conn, "new_messages", ("id", "sent_at"), list(messages))
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE new_messages"))
    conn.execute(text(_ADD_CHANNEL_ROLLUP))
    conn.execute(text(_ADD_TOPIC_ROLLUP))
    conn.execute(text(_ADD_TOPIC_TOTALS))


def _one_writer_per_community(conn: Connection, community_id: int) -> None:
    """On PostgreSQL, rollup writes of a community one transaction at a time, until commit
    (and without JIT compilation for the rest of the transaction).

    Two writers recounting the same hour would both delete (nothing yet) and both insert;
    two adding to it would each count an author the other also counts. Taken after the
    messages are inserted, the lock makes each writer see the others' committed messages.
    (SQLite has a single writer anyway.)
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": community_id})
        # The correlated author checks inflate the estimated cost past PostgreSQL's JIT
        # thresholds: compiling then took up to 0.2 s a statement for a few ms of work.
        conn.execute(text("SET LOCAL jit = off"))


def refresh_rollups(
    conn: Connection, community_id: int, keys: Iterable[tuple[int, datetime]]
) -> None:
    """Recompute the channel and topic rollup rows of every (channel_id, hour) in `keys`.

    Each statement reaches only the keyed rows through an index, so the cost follows
    the batch, not the size of the database.
    """
    dialect = conn.dialect.name
    stored = [(channel, storage_time(hour, dialect)) for channel, hour in keys]
    if not stored:
        return
    _one_writer_per_community(conn, community_id)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cursor = conn.connection.cursor()  # the driver's: thousands of keys, one statement each
    for table in ("channel_hourly", "topic_hourly"):
        cursor.executemany(
            f"DELETE FROM {table} WHERE community_id = {mark} AND channel_id = {mark} "
            f"AND hour = {mark}",
            [(community_id, channel, hour) for channel, hour in stored],
        )
    cursor.close()
    create_rollup_keys(conn)
    conn.execute(text("DELETE FROM rollup_keys"))
    insert_rows(conn, "rollup_keys", ("channel_id", "hour"), stored)
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE rollup_keys"))  # temporary tables get no autovacuum statistics
    conn.execute(text(_INSERT_CHANNEL_ROLLUP))
    conn.execute(text(_INSERT_TOPIC_ROLLUP))
    conn.execute(text(_DELETE_KEYED_TOTALS), {"community_id": community_id})
    conn.execute(text(_INSERT_KEYED_TOTALS), {"community_id": community_id})


# "rollup_keys k CROSS JOIN messages m": SQLite keeps the keys as the outer loop and
# reaches messages through ix_messages_channel_hour_member (a plain join may scan messages).
# Staff messages are left out of the sentiment columns when the community says so.
_LEFT_OUT = "(mb.is_staff AND c.exclude_staff)"
_SCORED = f"CASE WHEN {_LEFT_OUT} THEN NULL ELSE m.sentiment END"
_KIND_COUNTS = ",".join(
    f"\n    sum(CASE WHEN m.kind = '{kind}' THEN 1 ELSE 0 END)" for kind in KIND_COUNT_COLUMNS
)
_ADDITIVE_SELECT = f"""
    count(*),
    coalesce(sum({_SCORED}), 0.0),
    count({_SCORED}),
    sum(CASE WHEN {_SCORED} <= -0.05 THEN 1 ELSE 0 END),
    sum(CASE WHEN {_SCORED} >= 0.05 THEN 1 ELSE 0 END),
    sum(CASE WHEN m.sentiment IS NULL THEN 1 ELSE 0 END),{_KIND_COUNTS}
"""


def _metrics_select(counted: str = "TRUE") -> str:
    """The rollup's columns over messages m of members mb; authors only where `counted`."""
    author = f"NOT mb.is_bot AND {counted}"
    return f"""
    count(*),
    count(DISTINCT CASE WHEN {author} THEN m.member_id END),
    count(DISTINCT CASE WHEN {author} AND mb.first_seen_hour = m.hour THEN m.member_id END),
    coalesce(sum({_SCORED}), 0.0),
    count({_SCORED}),
    sum(CASE WHEN {_SCORED} <= -0.05 THEN 1 ELSE 0 END),
    sum(CASE WHEN {_SCORED} >= 0.05 THEN 1 ELSE 0 END),
    sum(CASE WHEN m.sentiment IS NULL THEN 1 ELSE 0 END),{_KIND_COUNTS}
"""


_METRICS_SELECT = _metrics_select()
_METRIC_NAMES = ", ".join(METRIC_COLUMNS)

_INSERT_CHANNEL_ROLLUP = f"""
INSERT INTO channel_hourly (community_id, channel_id, hour, {_METRIC_NAMES})
SELECT m.community_id, m.channel_id, m.hour, {_METRICS_SELECT}
FROM rollup_keys k
CROSS JOIN messages m
JOIN members mb ON mb.id = m.member_id
JOIN communities c ON c.id = m.community_id
WHERE m.channel_id = k.channel_id AND m.hour = k.hour AND m.sent_at >= k.hour
GROUP BY m.community_id, m.channel_id, m.hour
"""

_INSERT_TOPIC_ROLLUP = f"""
INSERT INTO topic_hourly (community_id, topic_id, channel_id, hour, {_METRIC_NAMES})
SELECT m.community_id, mt.topic_id, m.channel_id, m.hour, {_METRICS_SELECT}
FROM rollup_keys k
CROSS JOIN messages m
JOIN message_topics mt ON mt.message_id = m.id AND mt.sent_at = m.sent_at
JOIN members mb ON mb.id = m.member_id
JOIN communities c ON c.id = m.community_id
WHERE m.channel_id = k.channel_id AND m.hour = k.hour AND m.sent_at >= k.hour
GROUP BY m.community_id, mt.topic_id, m.channel_id, m.hour
"""


# Topic totals: the topic rows of the recounted hours summed over channels.
_ADDITIVE_NAMES = ", ".join(ADDITIVE_COLUMNS)
_ADDITIVE_SUMS = ", ".join(f"sum({c})" for c in ADDITIVE_COLUMNS)
_DELETE_KEYED_TOTALS = """
DELETE FROM topic_totals
WHERE community_id = :community_id AND hour IN (SELECT hour FROM rollup_keys)
"""
_INSERT_KEYED_TOTALS = f"""
INSERT INTO topic_totals (topic_id, hour, community_id, {_ADDITIVE_NAMES})
SELECT topic_id, hour, community_id, {_ADDITIVE_SUMS}
FROM topic_hourly
WHERE community_id = :community_id AND hour IN (SELECT hour FROM rollup_keys)
GROUP BY topic_id, hour, community_id
"""


# Adding new messages: an author counts in a key only if none of their messages there is
# older than this batch (reached through ix_messages_channel_hour_member).
# Each join to messages also bounds sent_at (a message's hour is its sent_at's): PostgreSQL
# then reads only the month partitions that can hold the rows.
_CREATE_NEW_MESSAGES = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS new_messages (id INTEGER PRIMARY KEY, sent_at TIMESTAMP)"
)
_EARLIER_IN_KEY = """SELECT 1 FROM messages o {topic_join}
    WHERE o.channel_id = m.channel_id AND o.hour = m.hour AND o.member_id = m.member_id
    AND o.sent_at >= m.hour AND o.id NOT IN (SELECT id FROM new_messages) {topic_where}"""
_FIRST_IN_CHANNEL = f"NOT EXISTS ({_EARLIER_IN_KEY.format(topic_join='', topic_where='')})"
_FIRST_IN_TOPIC = "NOT EXISTS ({})".format(
    _EARLIER_IN_KEY.format(
        topic_join="JOIN message_topics ot ON ot.message_id = o.id AND ot.sent_at = o.sent_at",
        topic_where="AND ot.topic_id = mt.topic_id",
    )
)


def _added(table: str, columns: Sequence[str]) -> str:
    return ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)


# "new_messages n CROSS JOIN messages m": SQLite then starts from the batch (it knows no
# statistics of a temporary table and may otherwise scan every message).
_NEW_MESSAGES = """FROM new_messages n
CROSS JOIN messages m
JOIN members mb ON mb.id = m.member_id
JOIN communities c ON c.id = m.community_id"""

_ADD_CHANNEL_ROLLUP = f"""
INSERT INTO channel_hourly (community_id, channel_id, hour, {_METRIC_NAMES})
SELECT m.community_id, m.channel_id, m.hour, {_metrics_select(_FIRST_IN_CHANNEL)}
{_NEW_MESSAGES}
WHERE m.id = n.id AND m.sent_at = n.sent_at
GROUP BY m.community_id, m.channel_id, m.hour
ON CONFLICT (hour, channel_id) DO UPDATE SET {_added("channel_hourly", METRIC_COLUMNS)}
"""

_ADD_TOPIC_ROLLUP = f"""
INSERT INTO topic_hourly (community_id, topic_id, channel_id, hour, {_METRIC_NAMES})
SELECT m.community_id, mt.topic_id, m.channel_id, m.hour, {_metrics_select(_FIRST_IN_TOPIC)}
{_NEW_MESSAGES}
CROSS JOIN message_topics mt
WHERE m.id = n.id AND m.sent_at = n.sent_at AND mt.message_id = m.id AND mt.sent_at = m.sent_at
GROUP BY m.community_id, mt.topic_id, m.channel_id, m.hour
ON CONFLICT (hour, topic_id, channel_id) DO UPDATE SET {_added("topic_hourly", METRIC_COLUMNS)}
"""

_ADD_TOPIC_TOTALS = f"""
INSERT INTO topic_totals (topic_id, hour, community_id, {_ADDITIVE_NAMES})
SELECT mt.topic_id, m.hour, m.community_id, {_ADDITIVE_SELECT}
{_NEW_MESSAGES}
CROSS JOIN message_topics mt
WHERE m.id = n.id AND m.sent_at = n.sent_at AND mt.message_id = m.id AND mt.sent_at = m.sent_at
GROUP BY mt.topic_id, m.hour, m.community_id
ON CONFLICT (topic_id, hour) DO UPDATE SET {_added("topic_totals", ADDITIVE_COLUMNS)}
"""


def replace_topic_links(
    conn: Connection,
    topic_id: int,
    messages: Iterable[tuple[int, datetime]],
    since: datetime | None = None,
) -> None:
    """Make `messages` ((id, sent_at) pairs, read as they are written) the messages of the
    topic, and rebuild its rollups from them: those from `since` on when given (the hours
    before it keep their counts: a retention removed their raw messages), else all."""
    conn.execute(delete(MessageTopic).where(MessageTopic.topic_id == topic_id))
    dialect = conn.dialect.name
    pairs = iter(messages)
    while chunk := list(islice(pairs, 50_000)):
        insert_rows(
            conn,
            "message_topics",
            ("message_id", "topic_id", "sent_at"),
            [(id_, topic_id, storage_time(sent_at, dialect)) for id_, sent_at in chunk],
        )
    rebuilt = {"topic_id": topic_id, "since": since or _EVER}
    for table in (TopicHourly, TopicTotal):
        conn.execute(
            delete(table).where(table.topic_id == topic_id, table.hour >= rebuilt["since"])
        )
    conn.execute(_REBUILD_TOPIC_ROLLUP, rebuilt)
    conn.execute(_REBUILD_TOPIC_TOTALS, rebuilt)


_REBUILD_TOPIC_ROLLUP = text(f"""
INSERT INTO topic_hourly (community_id, topic_id, channel_id, hour, {_METRIC_NAMES})
SELECT m.community_id, mt.topic_id, m.channel_id, m.hour, {_METRICS_SELECT}
FROM message_topics mt
JOIN messages m ON m.id = mt.message_id AND m.sent_at = mt.sent_at
JOIN members mb ON mb.id = m.member_id
JOIN communities c ON c.id = m.community_id
WHERE mt.topic_id = :topic_id AND m.hour >= :since
GROUP BY m.community_id, mt.topic_id, m.channel_id, m.hour
""").bindparams(bindparam("since", type_=UTCDateTime))

_REBUILD_TOPIC_TOTALS = text(f"""
INSERT INTO topic_totals (topic_id, hour, community_id, {_ADDITIVE_NAMES})
SELECT topic_id, hour, community_id, {_ADDITIVE_SUMS}
FROM topic_hourly
WHERE topic_id = :topic_id AND hour >= :since
GROUP BY topic_id, hour, community_id
""").bindparams(bindparam("since", type_=UTCDateTime))
