"""Forecasts as stored by the worker and read by the pages: one per series, replaced whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select

from data_access.schema import ChannelHourly, ForecastPoint, StoredForecast, TopicHourly

COMMUNITY = "community"
TOPIC = "topic"
CHANNEL = "channel"


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


def history_end(conn: Connection, community_id: int, key: SeriesKey) -> datetime | None:
    """The last hour the stored forecast of `key` knew, None when there is none."""
    query = select(StoredForecast.history_end).where(*_matches(community_id, key))
    return conn.scalar(query)


def replace_forecast(
    conn: Connection,
    community_id: int,
    key: SeriesKey,
    made_at: datetime,
    last_hour: datetime,
    method: str,
    note: str,
    points: pd.DataFrame,
) -> None:
    """Store a series' forecast (points: ds, yhat, yhat_lower, yhat_upper), replacing its last."""
    conn.execute(delete(StoredForecast).where(*_matches(community_id, key)))
    values = {
        "community_id": community_id,
        "series_kind": key.kind,
        "series_id": key.id,
        "made_at": made_at,
        "history_end": last_hour,
        "method": method,
        "note": note,
    }
    forecast_id = conn.execute(
        insert(StoredForecast).values(**values).returning(StoredForecast.id)
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


def stored_forecast(conn: Connection, community_id: int, key: SeriesKey):
    """(made_at, history_end, method, note, points) of a series, or None."""
    head = conn.execute(
        select(
            StoredForecast.id,
            StoredForecast.made_at,
            StoredForecast.history_end,
            StoredForecast.method,
            StoredForecast.note,
        ).where(*_matches(community_id, key))
    ).first()
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
    return head.made_at, head.history_end, head.method, head.note, points


def _matches(community_id: int, key: SeriesKey):
    return (
        StoredForecast.community_id == community_id,
        StoredForecast.series_kind == key.kind,
        StoredForecast.series_id == key.id,
    )
