"""Hourly rollups: recomputed from the raw messages for the (channel, hour) keys a
write touches, so a rollup row always equals a GROUP BY over its messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, insert, text

from data_access.schema import ChannelHourly, MessageTopic, TopicHourly
from data_access.sql import chunked, insert_rows, rollup_keys_table


def refresh_rollups(
    conn: Connection, community_id: int, keys: Iterable[tuple[int, datetime]]
) -> None:
    """Recompute the channel and topic rollup rows of every (channel_id, hour) in `keys`.

    Each statement reaches only the keyed rows through an index, so the cost follows
    the batch, not the size of the database.
    """
    rows = [{"community_id": community_id, "channel_id": c, "hour": h} for c, h in keys]
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # Two writers recounting the same hour would both delete (nothing yet) and both
        # insert. One at a time per community, until commit; each recount then sees the
        # other's committed messages. (SQLite has a single writer anyway.)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": community_id})
    for table in (ChannelHourly, TopicHourly):
        conn.execute(
            delete(table).where(
                table.community_id == bindparam("community_id"),
                table.channel_id == bindparam("channel_id"),
                table.hour == bindparam("hour"),
            ),
            rows,
        )
    keys_table = rollup_keys_table(conn)
    conn.execute(delete(keys_table))
    conn.execute(
        insert(keys_table), [{"channel_id": r["channel_id"], "hour": r["hour"]} for r in rows]
    )
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE rollup_keys"))  # temporary tables get no autovacuum statistics
    conn.execute(text(_INSERT_CHANNEL_ROLLUP))
    conn.execute(text(_INSERT_TOPIC_ROLLUP))


# "rollup_keys k CROSS JOIN messages m": SQLite keeps the keys as the outer loop and
# reaches messages through ix_messages_channel_hour (a plain join may scan messages).
# Staff messages are left out of the sentiment columns when the community says so.
_LEFT_OUT = "(mb.is_staff AND c.exclude_staff)"
_SCORED = f"CASE WHEN {_LEFT_OUT} THEN NULL ELSE m.sentiment END"
_METRICS_SELECT = f"""
    count(*),
    count(DISTINCT CASE WHEN NOT mb.is_bot THEN m.member_id END),
    count(DISTINCT CASE WHEN NOT mb.is_bot AND mb.first_seen_hour = m.hour THEN m.member_id END),
    coalesce(sum({_SCORED}), 0.0),
    count({_SCORED}),
    sum(CASE WHEN {_SCORED} <= -0.05 THEN 1 ELSE 0 END),
    sum(CASE WHEN {_SCORED} >= 0.05 THEN 1 ELSE 0 END),
    sum(CASE WHEN m.sentiment IS NULL THEN 1 ELSE 0 END)
"""
_METRIC_NAMES = """messages, active_authors, new_authors, sentiment_sum, sentiment_count,
    negative_count, positive_count, unscored_count"""

_INSERT_CHANNEL_ROLLUP = f"""
INSERT INTO channel_hourly (community_id, channel_id, hour, {_METRIC_NAMES})
SELECT m.community_id, m.channel_id, m.hour, {_METRICS_SELECT}
FROM rollup_keys k
CROSS JOIN messages m
JOIN members mb ON mb.id = m.member_id
JOIN communities c ON c.id = m.community_id
WHERE m.channel_id = k.channel_id AND m.hour = k.hour
GROUP BY m.community_id, m.channel_id, m.hour
"""

_INSERT_TOPIC_ROLLUP = f"""
INSERT INTO topic_hourly (community_id, topic_id, channel_id, hour, {_METRIC_NAMES})
SELECT m.community_id, mt.topic_id, m.channel_id, m.hour, {_METRICS_SELECT}
FROM rollup_keys k
CROSS JOIN messages m
JOIN message_topics mt ON mt.message_id = m.id
JOIN members mb ON mb.id = m.member_id
JOIN communities c ON c.id = m.community_id
WHERE m.channel_id = k.channel_id AND m.hour = k.hour
GROUP BY m.community_id, mt.topic_id, m.channel_id, m.hour
"""


def replace_topic_links(conn: Connection, topic_id: int, message_ids: Sequence[int]) -> None:
    """Make `message_ids` the messages of the topic, and rebuild its rollups from them."""
    conn.execute(delete(MessageTopic).where(MessageTopic.topic_id == topic_id))
    for chunk in chunked(list(message_ids), 50_000):
        insert_rows(
            conn,
            "message_topics",
            ("message_id", "topic_id"),
            [(message_id, topic_id) for message_id in chunk],
        )
    conn.execute(delete(TopicHourly).where(TopicHourly.topic_id == topic_id))
    conn.execute(text(_REBUILD_TOPIC_ROLLUP), {"topic_id": topic_id})


_REBUILD_TOPIC_ROLLUP = f"""
INSERT INTO topic_hourly (community_id, topic_id, channel_id, hour, {_METRIC_NAMES})
SELECT m.community_id, mt.topic_id, m.channel_id, m.hour, {_METRICS_SELECT}
FROM message_topics mt
JOIN messages m ON m.id = mt.message_id
JOIN members mb ON mb.id = m.member_id
JOIN communities c ON c.id = m.community_id
WHERE mt.topic_id = :topic_id
GROUP BY m.community_id, mt.topic_id, m.channel_id, m.hour
"""
