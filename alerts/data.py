"""Read a community's `MetricData` for the minutes a set of rules is judged on."""

from __future__ import annotations

from sqlalchemy import Connection

from alerts.baselines import LOOKBACK_HOURS
from alerts.emerging_scores import FRESH_MINUTES
from alerts.metrics import reach_minutes
from alerts.rules import FORECAST_METRICS, TOPIC_METRICS, Rule
from alerts.windows import MetricData
from data_access import alert_data, emerging_store


def metric_data(
    conn: Connection, community_id: int, rules: list[Rule], start: int, end: int
) -> MetricData:
    """What `rules` need to be scored for each minute in [start, end): messages of the
    longest window before `start` onwards, rollups of eight weeks more, forecasts if used."""
    window = max((reach_minutes(r) for r in rules), default=60)
    first = start - window
    platforms, channel_names, topic_names = alert_data.names(conn, community_id)
    with_topics = any(
        r.metric in TOPIC_METRICS or r.scope.kind in ("topic", "each_topic") for r in rules
    )
    first_hour, end_hour = first // 60 - LOOKBACK_HOURS - 1, -(-end // 60) + 1
    empty_links = alert_data.topic_rows(conn, community_id, 0, 0)
    return MetricData(
        first=first,
        end=end,
        messages=alert_data.message_rows(conn, community_id, first, end),
        topic_links=(
            alert_data.topic_rows(conn, community_id, first, end) if with_topics else empty_links
        ),
        channel_hours=alert_data.hourly_rows(conn, community_id, first_hour, end_hour, False),
        topic_hours=(
            alert_data.hourly_rows(conn, community_id, first_hour, end_hour, True)
            if with_topics
            else alert_data.hourly_rows(conn, community_id, 0, 0, True)
        ),
        forecasts=(
            alert_data.forecast_points(conn, community_id)
            if any(r.metric in FORECAST_METRICS or r.condition == "forecast_band" for r in rules)
            else {}
        ),
        emerging=(
            emerging_store.snapshot_rows(conn, community_id, first - FRESH_MINUTES, end)
            if any(r.metric == "emerging_term" for r in rules)
            else None
        ),
        platforms=platforms,
        channel_sources=alert_data.channel_sources(conn, community_id),
        topic_names=topic_names,
        channel_names=channel_names,
    )
