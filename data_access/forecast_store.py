"""Forecasts as stored by the worker and read by the pages: one per series, replaced whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select

from data_access.schema import Channel, ChannelHourly, ForecastPoint, Source, Topic, TopicHourly
from data_access.schema import StoredForecast as ForecastRow

COMMUNITY = "community"
TOPIC = "topic"
CHANNEL = "channel"


@dataclass(frozen=True)
class ForecastAccuracy:
    """How the forecast did on the days before it, each forecast from the data before it."""

    days: int
    mean_absolute_error: float  # messages per hour
    share_inside: float  # of the hours inside the forecast's 80% range


@dataclass(frozen=True)
class StoredForecast:
    """A series' forecast: made when, by which method, from data up to `history_end`;
    `points` (ds, yhat, yhat_lower, yhat_upper, ds in UTC) cover the fitted past and the
    hours ahead."""

    made_at: datetime
    history_end: datetime
    method: str
    note: str | None
    points: pd.DataFrame
    accuracy: ForecastAccuracy | None

    @property
    def fitted(self) -> pd.DataFrame:
        """The points up to the end of the data the forecast was made from."""
        return self.points[self.points["ds"] <= pd.Timestamp(self.history_end)]

    @property
    def ahead(self) -> pd.DataFrame:
        """The points after the data: the forecast proper."""
        return self.points[self.points["ds"] > pd.Timestamp(self.history_end)]


@dataclass(frozen=True)
class SeriesKey:
    kind: str  # community, topic or channel
    id: int  # 0 for the community
    name: str


def hourly_counts(
    conn: Connection, community_id: int, key: SeriesKey, start: datetime, end: datetime
) -> pd.DataFrame:
    """Messages per hour of a series in [start, end), hours without messages left out."""
    table = TopicHourly if key.kind == TOPIC else ChannelHourly
    query = select(table.hour, func.sum(table.messages)).where(
        table.community_id == community_id, table.hour >= start, table.hour < end
    )
    if key.kind == TOPIC:
        query = query.where(TopicHourly.topic_id == key.id)
    elif key.kind == CHANNEL:
        query = query.where(ChannelHourly.channel_id == key.id)
    rows = conn.execute(query.group_by(table.hour).order_by(table.hour)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["ds", "y"])


@dataclass(frozen=True)
class StoredState:
    history_end: datetime  # the last hour the stored forecast knew
    backtest: tuple[int, float, float] | None  # days, mean absolute error, share inside
    backtest_for: datetime | None  # the history end the backtest was made for


def stored_state(conn: Connection, community_id: int, key: SeriesKey) -> StoredState | None:
    """What the stored forecast of `key` knew, None when there is none."""
    row = conn.execute(
        select(
            ForecastRow.history_end,
            ForecastRow.backtest_days,
            ForecastRow.backtest_mae,
            ForecastRow.backtest_inside,
            ForecastRow.backtest_for,
        ).where(*_matches(community_id, key))
    ).first()
    if row is None:
        return None
    backtest = (
        None
        if row.backtest_days is None
        else (row.backtest_days, row.backtest_mae, row.backtest_inside)
    )
    return StoredState(row.history_end, backtest, row.backtest_for)


def replace_forecast(
    conn: Connection,
    community_id: int,
    key: SeriesKey,
    made_at: datetime,
    last_hour: datetime,
    method: str,
    note: str,
    points: pd.DataFrame,
    backtest: tuple[int, float, float] | None = None,
    backtest_for: datetime | None = None,
) -> None:
    """Store a series' forecast (points: ds, yhat, yhat_lower, yhat_upper), replacing its
    last; `backtest` is (days, mean absolute error, share inside the band)."""
    conn.execute(delete(ForecastRow).where(*_matches(community_id, key)))
    days, mae, inside = backtest if backtest is not None else (None, None, None)
    values = {
        "community_id": community_id,
        "series_kind": key.kind,
        "series_id": key.id,
        "made_at": made_at,
        "history_end": last_hour,
        "method": method,
        "note": note,
        "backtest_days": days,
        "backtest_mae": mae,
        "backtest_inside": inside,
        "backtest_for": backtest_for,
    }
    forecast_id = conn.execute(
        insert(ForecastRow).values(**values).returning(ForecastRow.id)
    ).scalar_one()
    rows = [
        {
            "forecast_id": forecast_id,
            "hour": ds.to_pydatetime(),
            "yhat": float(y),
            "yhat_lower": float(low),
            "yhat_upper": float(high),
        }
        for ds, y, low, high in points[["ds", "yhat", "yhat_lower", "yhat_upper"]].itertuples(
            index=False
        )
    ]
    if rows:
        conn.execute(insert(ForecastPoint), rows)


def stored_forecast(conn: Connection, community_id: int, key: SeriesKey) -> StoredForecast | None:
    """The stored forecast of a series, None when it has none yet."""
    head = conn.execute(select(ForecastRow).where(*_matches(community_id, key))).first()
    if head is None:
        return None
    rows = conn.execute(
        select(
            ForecastPoint.hour,
            ForecastPoint.yhat,
            ForecastPoint.yhat_lower,
            ForecastPoint.yhat_upper,
        )
        .where(ForecastPoint.forecast_id == head.id)
        .order_by(ForecastPoint.hour)
    ).all()
    points = pd.DataFrame(
        [tuple(r) for r in rows], columns=["ds", "yhat", "yhat_lower", "yhat_upper"]
    )
    points["ds"] = pd.to_datetime(points["ds"], utc=True)
    accuracy = (
        None
        if head.backtest_days is None
        else ForecastAccuracy(head.backtest_days, head.backtest_mae, head.backtest_inside)
    )
    return StoredForecast(
        _utc(head.made_at), _utc(head.history_end), head.method, head.note, points, accuracy
    )


def _utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives it back naive)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _matches(community_id: int, key: SeriesKey):
    return (
        ForecastRow.community_id == community_id,
        ForecastRow.series_kind == key.kind,
        ForecastRow.series_id == key.id,
    )


def series_keys_of(conn: Connection, community_id: int) -> list[SeriesKey]:
    """The series forecast in a community: the whole community, each topic, each channel."""
    topics = conn.execute(
        select(Topic.id, Topic.name).where(Topic.community_id == community_id).order_by(Topic.name)
    ).all()
    channels = conn.execute(
        select(Channel.id, Channel.name, Source.platform)
        .join(Source, Source.id == Channel.source_id)
        .where(Channel.community_id == community_id)
        .order_by(Source.platform, Channel.name)
    ).all()
    return (
        [SeriesKey(COMMUNITY, 0, "whole community")]
        + [SeriesKey(TOPIC, int(t.id), str(t.name)) for t in topics]
        + [SeriesKey(CHANNEL, int(c.id), f"#{c.name} ({c.platform})") for c in channels]
    )
