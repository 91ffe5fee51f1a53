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


@dataclass(frozen=True)
class StoredState:
    history_end: datetime  # the last hour the stored forecast knew
    backtest: tuple[int, float, float] | None  # days, mean absolute error, share inside
    backtest_for: datetime | None  # the history end the backtest was made for


def stored_state(conn: Connection, community_id: int, key: SeriesKey) -> StoredState | None:
    """What the stored forecast of `key` knew, None when there is none."""
    row = conn.execute(
        select(
            StoredForecast.history_end,
            StoredForecast.backtest_days,
            StoredForecast.backtest_mae,
            StoredForecast.backtest_inside,
            StoredForecast.backtest_for,
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
    conn.execute(delete(StoredForecast).where(*_matches(community_id, key)))
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
    """(made_at, history_end, method, note, points, backtest) of a series, or None; the
    backtest is (days, mean absolute error, share inside the band) or None."""
    head = conn.execute(select(StoredForecast).where(*_matches(community_id, key))).first()
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
    backtest = (
        None
        if head.backtest_days is None
        else (head.backtest_days, head.backtest_mae, head.backtest_inside)
    )
    return head.made_at, head.history_end, head.method, head.note, points, backtest


def _matches(community_id: int, key: SeriesKey):
    return (
        StoredForecast.community_id == community_id,
        StoredForecast.series_kind == key.kind,
        StoredForecast.series_id == key.id,
    )
