"""Reads for the pages: each returns a DataFrame (or a plain value) with UTC times.

Time series come from the hourly rollups (long ranges summed into the viewer's buckets by
the database: range_sums), the Live page's minutes from the tables kept for it (recent);
raw messages are read only to show a few of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import (
    Connection,
    Select,
    distinct,
    exists,
    func,
    literal_column,
    select,
)

from analysis.sentiment import NEGATIVE_AT_MOST
from data_access import alert_store, range_sums, recent, retention
from data_access.forecast_store import SeriesKey, hourly_counts, stored_forecast
from data_access.frames import frame_of, raw_time
from data_access.partitions import links_joined
from data_access.schema import (
    METRIC_COLUMNS,
    Channel,
    ChannelHourly,
    Community,
    Correction,
    Member,
    Message,
    MessageTopic,
    Source,
    Topic,
)

ChannelIds = Sequence[int] | None  # None: every channel
Kinds = Sequence[str] | None  # message kinds (analysis.kinds); None: every kind

# the Live page's reads, from the tables kept for it
members_active_since = recent.members_active_since
messages_per_minute = recent.messages_per_minute
raw_messages_kept_since = retention.raw_messages_kept_since
# long ranges, summed by the database into the viewer's buckets
channel_sums = range_sums.channel_sums
topic_sums = range_sums.topic_sums


def communities(conn: Connection) -> pd.DataFrame:
    query = select(Community.id, Community.name).order_by(Community.name)
    return frame_of(conn, query)


def channels(conn: Connection, community_id: int) -> pd.DataFrame:
    query = (
        select(Channel.id, Channel.name, Source.name.label("source"), Source.platform)
        .join(Source, Source.id == Channel.source_id)
        .where(Channel.community_id == community_id)
        .order_by(Source.platform, Channel.name)
    )
    return frame_of(conn, query)


def data_extent(conn: Connection, community_id: int) -> tuple[datetime, datetime] | None:
    """The first and last hour that have messages, or None for an empty community: two
    reads of one row each down ix_channel_hourly_community_hour (min and max in one
    statement read every rollup row of the community: its cost grew with its history)."""
    of_community = select(ChannelHourly.hour).where(ChannelHourly.community_id == community_id)
    first = conn.scalar(of_community.order_by(ChannelHourly.hour).limit(1))
    if first is None:
        return None
    last = conn.scalar(of_community.order_by(ChannelHourly.hour.desc()).limit(1))
    return first, last


def channel_hourly(
    conn: Connection, community_id: int, start: datetime, end: datetime, channel_ids: ChannelIds
) -> pd.DataFrame:
    """Rollup rows per (hour, channel) in [start, end)."""
    table = ChannelHourly
    columns = [getattr(table, c) for c in METRIC_COLUMNS]
    query = select(raw_time(table.hour), table.channel_id, *columns)
    query = _in_range(query, table, community_id, start, end, channel_ids)
    return frame_of(conn, query.order_by(table.hour), times=("hour",))


def same_hour_in_past_weeks(
    conn: Connection, community_id: int, hour: datetime, weeks: int, channel_ids: ChannelIds
) -> list[int]:
    """Messages in the same hour of the week in each of the `weeks` weeks before `hour`
    (0 for a week with none), oldest first."""
    past = [hour - timedelta(weeks=n) for n in range(weeks, 0, -1)]
    query = select(ChannelHourly.hour, func.sum(ChannelHourly.messages)).where(
        ChannelHourly.community_id == community_id, ChannelHourly.hour.in_(past)
    )
    if channel_ids is not None:
        query = query.where(ChannelHourly.channel_id.in_(channel_ids))
    counts = dict(conn.execute(query.group_by(ChannelHourly.hour)).all())
    return [int(counts.get(h, 0)) for h in past]


def active_members(
    conn: Connection, community_id: int, start: datetime, end: datetime, channel_ids: ChannelIds
) -> int:
    """Distinct people (merged accounts once, bots never) who wrote in [start, end)."""
    query = (
        select(func.count(distinct(func.coalesce(Member.person_id, Message.member_id))))
        .select_from(Message)
        .join(Member, Member.id == Message.member_id)
        .where(
            Message.community_id == community_id,
            Message.sent_at >= start,
            Message.sent_at < end,
            Member.is_bot.is_(False),
        )
    )
    if channel_ids is not None:
        query = query.where(Message.channel_id.in_(channel_ids))
    return int(conn.scalar(query) or 0)


def _message_view() -> Select:
    return (
        select(
            Message.id,
            Message.sent_at,
            Channel.name.label("channel"),
            Member.display_name.label("author"),
            func.coalesce(Member.person_id, Member.id).label("person"),  # for their profile
            Message.text,
            Message.language,
            Message.sentiment,
            Message.kind,
            exists().where(Correction.message_id == Message.id).label("corrected"),
        )
        .join(Channel, Channel.id == Message.channel_id)
        .join(Member, Member.id == Message.member_id)
    )


def newest_messages(
    conn: Connection,
    community_id: int,
    limit: int,
    channel_ids: ChannelIds,
    before: datetime,
    kinds: Kinds = None,
) -> pd.DataFrame:
    query = _message_view().where(Message.community_id == community_id, Message.sent_at < before)
    if channel_ids is not None:
        query = query.where(Message.channel_id.in_(channel_ids))
    query = _of_kinds(query, kinds)
    return frame_of(conn, query.order_by(Message.sent_at.desc()).limit(limit))


def _of_kinds(query: Select, kinds: Kinds) -> Select:
    """Only messages of `kinds` (analysis.kinds), when given."""
    return query if kinds is None else query.where(Message.kind.in_(kinds))


def most_negative_messages(
    conn: Connection,
    community_id: int,
    start: datetime,
    end: datetime,
    channel_ids: ChannelIds,
    limit: int,
    kinds: Kinds = None,
) -> pd.DataFrame:
    return frame_of(conn, most_negative_query(community_id, start, end, channel_ids, limit, kinds))


def most_negative_query(community_id, start, end, channel_ids, limit, kinds=None) -> Select:
    """The range's negative messages, reached through the partial index of negative
    messages by (community_id, sent_at) (ix_messages_negative: its condition is written
    as a literal, as the planners need to see it to use the index), then sorted: the
    score is sorted on as `sentiment + 0`, which no index holds, so neither database walks
    the sentiment index across the whole history looking for the range's messages (the
    cost follows the range's negative messages, not the history)."""
    score = Message.sentiment + 0
    query = _message_view().where(
        Message.community_id == community_id,
        Message.sent_at >= start,
        Message.sent_at < end,
        Message.sentiment <= literal_column(str(NEGATIVE_AT_MOST)),
    )
    if channel_ids is not None:
        query = query.where(Message.channel_id.in_(channel_ids))
    query = _of_kinds(query, kinds)
    return query.order_by(score.asc().nulls_last(), Message.sent_at.desc()).limit(limit)


def topic_messages(
    conn: Connection,
    community_id: int,
    topic_id: int,
    start: datetime,
    end: datetime,
    channel_ids: ChannelIds,
    limit: int,
    kinds: Kinds = None,
) -> pd.DataFrame:
    query = (
        _message_view()
        .join(MessageTopic, links_joined(start, end, topic_id))
        .where(
            Message.community_id == community_id, Message.sent_at >= start, Message.sent_at < end
        )
    )
    if channel_ids is not None:
        query = query.where(Message.channel_id.in_(channel_ids))
    query = _of_kinds(query, kinds)
    return frame_of(conn, query.order_by(Message.sent_at.desc()).limit(limit))


def recent_texts(conn: Connection, community_id: int, limit: int) -> pd.DataFrame:
    """The newest messages with their ids, for previewing a topic rule."""
    query = _message_view().where(Message.community_id == community_id)
    return frame_of(conn, query.order_by(Message.sent_at.desc()).limit(limit))


def messages_since(
    conn: Connection, community_id: int, since: datetime, limit: int
) -> pd.DataFrame:
    """The newest `limit` messages sent since `since`, newest first (topic discovery)."""
    query = _message_view().where(Message.community_id == community_id, Message.sent_at >= since)
    return frame_of(conn, query.order_by(Message.sent_at.desc()).limit(limit))


def people_texts_between(
    conn: Connection, community_id: int, start: datetime, end: datetime
) -> pd.DataFrame:
    """sent_at, member_id and text of the messages people (not bots) sent in [start, end):
    what emerging terms are counted on."""
    query = (
        select(raw_time(Message.sent_at).label("sent_at"), Message.member_id, Message.text)
        .join(Member, Member.id == Message.member_id)
        .where(
            Message.community_id == community_id,
            Message.sent_at >= start,
            Message.sent_at < end,
            Member.is_bot.is_(False),
        )
    )
    return frame_of(conn, query, times=("sent_at",))


def topics(conn: Connection, community_id: int) -> pd.DataFrame:
    query = select(Topic.__table__).where(Topic.community_id == community_id).order_by(Topic.name)
    return frame_of(conn, query)


def _in_range(query: Select, table, community_id, start, end, channel_ids) -> Select:
    query = query.where(table.community_id == community_id, table.hour >= start, table.hour < end)
    if channel_ids is not None:
        query = query.where(table.channel_id.in_(channel_ids))
    return query


def forecast(conn: Connection, community_id: int, kind: str, series_id: int):
    """The stored forecast of a series: (made_at, history_end, method, note, points) or None."""
    return stored_forecast(conn, community_id, SeriesKey(kind, series_id, ""))


def series_counts(
    conn: Connection, community_id: int, kind: str, series_id: int, start: datetime, end: datetime
) -> pd.DataFrame:
    """Messages per hour (ds, y) of a series (the community, a topic or a channel), every
    hour of [start, end), those without messages as 0: a chart of a quiet series must
    come down to zero between its messages, not draw a line from one to the next."""
    frame = hourly_counts(conn, community_id, SeriesKey(kind, series_id, ""), start, end)
    hours = pd.date_range(
        pd.Timestamp(start).tz_convert("UTC").ceil("h"),
        pd.Timestamp(end).tz_convert("UTC"),
        freq="h",
        inclusive="left",
        name="ds",
    )
    counts = frame.assign(ds=pd.to_datetime(frame["ds"], utc=True)).set_index("ds")["y"]
    return counts.reindex(hours, fill_value=0).reset_index()


def alert_episodes(
    conn: Connection, community_id: int, start: datetime, end: datetime, only_open: bool = False
) -> pd.DataFrame:
    """Alert episodes overlapping [start, end) (or those still firing), newest first."""
    return alert_store.episodes(conn, community_id, start, end, only_open)


def alert_silences(conn: Connection, community_id: int, now: datetime) -> pd.DataFrame:
    return alert_store.silences(conn, community_id, now)


def alert_rule_versions(conn: Connection, rule_id: int) -> pd.DataFrame:
    return alert_store.rule_versions(conn, rule_id)


def episode_messages(
    conn: Connection,
    community_id: int,
    scope_key: str,
    start: datetime,
    end: datetime,
    most_negative_first: bool,
    limit: int,
    kinds: Kinds = None,
) -> pd.DataFrame:
    """Messages of an alert's scope ('all', 'channel:ID', 'platform:NAME', 'topic:ID',
    'kind:KIND') in
    [start, end): the most negative first for sentiment alerts, else the newest."""
    kind, _, value = scope_key.partition(":")
    query = _message_view().where(
        Message.community_id == community_id, Message.sent_at >= start, Message.sent_at < end
    )
    if kind == "channel":
        query = query.where(Message.channel_id == int(value))
    elif kind == "platform":
        query = query.join(Source, Source.id == Message.source_id).where(Source.platform == value)
    elif kind == "topic":
        query = query.join(MessageTopic, links_joined(start, end, int(value)))
    elif kind == "kind":
        query = query.where(Message.kind == value)
    query = _of_kinds(query, kinds)
    order = (Message.sentiment.asc().nulls_last(),) if most_negative_first else ()
    return frame_of(conn, query.order_by(*order, Message.sent_at.desc()).limit(limit))
