"""The rows alert rules are judged on: raw messages of the evaluated minutes, hourly
rollups for the baselines, and the stored forecasts. Read into `alerts.windows.MetricData`
shapes (plain DataFrames with times as whole minutes or hours since the epoch)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, select

from analysis.kinds import KIND_COUNT_COLUMNS
from data_access.frames import (
    driver_frame,
    driver_result,
    frame_of,
    raw_time,
    whole_number_rows,
)
from data_access.partitions import is_partitioned, links_joined
from data_access.schema import (
    Channel,
    ChannelHourly,
    ForecastPoint,
    Member,
    Message,
    MessageTopic,
    Source,
    StoredForecast,
    Topic,
    TopicHourly,
    TopicTotal,
)
from data_access.sql import epoch_minutes

HOURLY = (
    "messages",
    "active_authors",
    "sentiment_count",
    "negative_count",
    *KIND_COUNT_COLUMNS.values(),
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def minute_of(moment: datetime) -> int:
    """Whole minutes since the epoch (UTC), rounded down."""
    return int((moment - EPOCH).total_seconds() // 60)


def moment_of(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=int(minute))


def _epoch(frame: pd.DataFrame, column: str, unit_seconds: int) -> np.ndarray:
    stamps = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    since = stamps - pd.Timestamp(0, tz="UTC")  # whatever unit pandas chose for the stamps
    return (since // pd.Timedelta(seconds=unit_seconds)).to_numpy(dtype=np.int64)


ROW_COLUMNS = ("channel_id", "member_id", "sentiment", "kind")  # what a row can carry


def message_rows(
    conn: Connection, community_id: int, first: int, end: int, columns=ROW_COLUMNS
) -> pd.DataFrame:
    """The minute and the `columns` (of ROW_COLUMNS; is_bot with member_id) of the
    messages in [first, end)."""
    query = rows_query(community_id, first, end, columns)
    return _read_rows(conn, community_id, query, "kind" in columns)


def _read_rows(conn: Connection, community_id: int, query, kinds: bool) -> pd.DataFrame:
    frame = driver_frame(conn, query) if kinds else _number_frame(conn, query)
    return _typed(frame, _bots(conn, community_id))


def message_minutes(conn: Connection, community_id: int, first: int, end: int) -> pd.DataFrame:
    """Only the minute of each message in [first, end): what a topic's share of all
    messages reads of them (SQLite answers it from the index on the time alone)."""
    query = select(epoch_minutes(Message.sent_at).label("minute"))
    frame = _number_frame(conn, query.where(*_sent_in(community_id, first, end)))
    return frame.astype({"minute": "int64"})


def topic_rows(
    conn: Connection, community_id: int, first: int, end: int, columns=ROW_COLUMNS
) -> pd.DataFrame:
    """The same rows once per topic of each message, with topic_id."""
    query = topic_rows_query(conn, community_id, first, end, columns)
    return _read_rows(conn, community_id, query, "kind" in columns)


def topic_rows_query(conn: Connection, community_id: int, first: int, end: int, columns):
    """topic_rows' query. On SQLite the links are joined by their message's id alone: their
    times are the message's, and without them SQLite finds a message's topics in the
    links' key, not in their rows (a month's join costs half)."""
    query = rows_query(community_id, first, end, columns).add_columns(MessageTopic.topic_id)
    if is_partitioned(conn):
        joined = links_joined(moment_of(first), moment_of(end))
    else:
        joined = MessageTopic.message_id == Message.id
    return query.join(MessageTopic, joined)


def topic_minutes(conn: Connection, community_id: int, first: int, end: int) -> pd.DataFrame:
    """minute and topic_id of each message's topics in [first, end): what a topic's share
    or forecast reads of its messages (their count), from the links' own index alone."""
    query = topic_minutes_query(community_id, first, end)
    return _number_frame(conn, query).astype({"minute": "int64", "topic_id": "int64"})


def topic_minutes_query(community_id: int, first: int, end: int):
    return select(epoch_minutes(MessageTopic.sent_at).label("minute"), MessageTopic.topic_id).where(
        MessageTopic.topic_id.in_(select(Topic.id).where(Topic.community_id == community_id)),
        MessageTopic.sent_at >= moment_of(first),
        MessageTopic.sent_at < moment_of(end),
    )


def rows_query(community_id: int, first: int, end: int, columns):
    """The messages of minutes [first, end), read as the driver gives them (a backtest
    reads a month of them: hundreds of thousands of rows), the minute computed by the
    database, and only the columns asked (each costs: the kind, text, most). Whether the
    author is a bot is looked up after (a join to the members would visit a member row
    per message: half the cost of the read)."""
    asked = [getattr(Message, name) for name in ROW_COLUMNS if name in columns]
    minute = epoch_minutes(Message.sent_at).label("minute")
    return select(minute, *asked).select_from(Message).where(*_sent_in(community_id, first, end))


def _sent_in(community_id: int, first: int, end: int) -> tuple:
    """The community's messages sent in minutes [first, end)."""
    return (
        Message.community_id == community_id,
        Message.sent_at >= moment_of(first),
        Message.sent_at < moment_of(end),
    )


def _bots(conn: Connection, community_id: int) -> np.ndarray:
    """The ids of the community's members marked as bots."""
    query = select(Member.id).where(Member.community_id == community_id, Member.is_bot)
    return np.fromiter(conn.scalars(query), dtype=np.int64)


def _number_frame(conn: Connection, query) -> pd.DataFrame:
    """A query's rows of numbers (None: NaN) converted in one step, as float columns (a
    month of messages: pandas' conversion of the driver's records took as long as SQLite's
    read of them); rows of whole numbers alone are packed by the database."""
    if "sentiment" in (column.key for column in query.selected_columns):
        columns, rows = driver_result(conn, query)
        values = np.array(rows, dtype=float).reshape(-1, len(columns))
    else:
        columns, values = whole_number_rows(conn, query)
    return pd.DataFrame(values, columns=columns)


def _typed(frame: pd.DataFrame, bots: np.ndarray) -> pd.DataFrame:
    """The driver's rows with the types the rules read: whole minutes and ids, float
    sentiment (NaN: not scored), is_bot from the bots' ids."""
    if "sentiment" in frame:
        frame["sentiment"] = pd.to_numeric(frame["sentiment"], errors="coerce").astype(float)
    frame = frame.astype(
        {c: "int64" for c in ("minute", "channel_id", "member_id", "topic_id") if c in frame}
    )
    if "member_id" in frame:
        frame["is_bot"] = np.isin(frame["member_id"].to_numpy(), bots)
    return frame


def channel_hours(conn: Connection, community_id: int, first_hour: int, end_hour: int):
    """Hourly rollups (hour in epoch hours) per channel_id in [first_hour, end_hour)."""
    return _hours(conn, ChannelHourly, ChannelHourly.channel_id, community_id, first_hour, end_hour)


def topic_hours(
    conn: Connection, community_id: int, first_hour: int, end_hour: int, authors: bool = False
):
    """Hourly rollups per topic_id in [first_hour, end_hour), summed over channels: the
    stored topic totals, or with `authors` (which the totals cannot hold: one author
    writes in several channels) the channels' topic rollups summed, which is slower."""
    if not authors:
        return _hours(conn, TopicTotal, TopicTotal.topic_id, community_id, first_hour, end_hour)
    return _hours(
        conn, TopicHourly, TopicHourly.topic_id, community_id, first_hour, end_hour, summed=True
    )


def _hours(conn, table, key, community_id, first_hour, end_hour, summed=False):
    """The rollup table's rows of hours [first_hour, end_hour) as whole epoch hours and
    counts (those of HOURLY it has), summed per hour and key when `summed`."""
    columns = [c for c in HOURLY if hasattr(table, c)]
    values = [func.sum(getattr(table, c)) if summed else getattr(table, c) for c in columns]
    query = select(
        (epoch_minutes(table.hour) // 60).label("hour"),
        key,
        *(value.label(name) for value, name in zip(values, columns, strict=True)),
    ).where(
        table.community_id == community_id,
        table.hour >= moment_of(first_hour * 60),
        table.hour < moment_of(end_hour * 60),
    )
    if summed:
        query = query.group_by(table.hour, key)
    # a steady alert cycle reads eight weeks of them: whole numbers, read as one array
    _, rows = driver_result(conn, query)
    names = ["hour", key.key, *columns]
    return pd.DataFrame(np.array(rows, dtype=np.int64).reshape(-1, len(names)), columns=names)


def forecast_points(conn: Connection, community_id: int) -> dict[tuple[str, int], pd.DataFrame]:
    """Every stored forecast of the community: (kind, id) -> hour, yhat, yhat_lower, yhat_upper."""
    query = (
        select(
            StoredForecast.series_kind,
            StoredForecast.series_id,
            raw_time(ForecastPoint.hour),
            ForecastPoint.yhat,
            ForecastPoint.yhat_lower,
            ForecastPoint.yhat_upper,
        )
        .join(ForecastPoint, ForecastPoint.forecast_id == StoredForecast.id)
        .where(StoredForecast.community_id == community_id)
    )
    frame = frame_of(conn, query)
    if frame.empty:
        return {}
    frame["hour"] = _epoch(frame, "hour", 3600)
    return {
        (kind, int(series)): points.drop(columns=["series_kind", "series_id"])
        for (kind, series), points in frame.groupby(["series_kind", "series_id"])
    }


def channel_sources(conn: Connection, community_id: int) -> dict[int, int]:
    """The source of each channel of a community."""
    rows = conn.execute(
        select(Channel.id, Channel.source_id).where(Channel.community_id == community_id)
    ).all()
    return {row.id: row.source_id for row in rows}


def names(conn: Connection, community_id: int):
    """(platform of each channel, channel names, topic names) of a community."""
    channels = conn.execute(
        select(Channel.id, Channel.name, Source.platform)
        .join(Source, Source.id == Channel.source_id)
        .where(Channel.community_id == community_id)
    ).all()
    topics = conn.execute(
        select(Topic.id, Topic.name).where(Topic.community_id == community_id)
    ).all()
    return (
        {c.id: c.platform for c in channels},
        {c.id: c.name for c in channels},
        {t.id: t.name for t in topics},
    )
