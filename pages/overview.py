"""Overview: the last 7 days against the 7 before, for everyone, executives included."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard.charts import activity as activity_charts
from dashboard.web import components, resources
from dashboard.web.timeranges import TimeRange, range_with_data
from dashboard.web.views import sentiment_series

filters = components.current_filters()
st.header("Overview")
st.caption(
    "The last 7 days that have data against the 7 days before, for the whole community (the "
    "sidebar's time range does not apply here). Sentiment counts English and Chinese messages; "
    "other languages are counted apart."
)


def figures(cid: int, window: TimeRange) -> dict[str, float | None]:
    rollup = resources.channel_hourly(cid, window.start, window.end, None)
    sums = rollup[["messages", "sentiment_sum", "sentiment_count", "negative_count"]].sum()
    scored = sums["sentiment_count"]
    return {
        "Messages": float(sums["messages"]),
        "Active members": float(resources.active_members(cid, window.start, window.end, None)),
        "Average sentiment": sums["sentiment_sum"] / scored if scored else None,
        "Negative share": sums["negative_count"] / scored if scored else None,
    }


def body() -> None:
    cid = filters.community_id
    last_hour = filters.extent[1]
    window = range_with_data(last_hour, timedelta(days=7))
    now, before = figures(cid, window), figures(cid, window.previous())
    st.caption(
        f"{components.local_text(window.start, filters.timezone)} to "
        f"{components.local_text(window.end, filters.timezone)}"
    )
    for column, (name, value) in zip(st.columns(len(now)), now.items(), strict=True):
        column.metric(
            name,
            _shown(name, value),
            _change(name, value, before[name]),
            delta_color="inverse" if name == "Negative share" else "normal",
        )
    rollup = resources.channel_hourly(cid, window.start, window.end, None)
    daily = sentiment_series(rollup, filters.channel_names, "day", filters.timezone)
    total = daily[daily["channel"] == "All channels"]
    st.subheader("Messages per day")
    shown = components.mark_partial_buckets(activity_charts.daily_messages(total), "day", window)
    st.plotly_chart(shown, width="stretch")


def _shown(name: str, value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    if name == "Negative share":
        return f"{value:.1%}"
    if name == "Average sentiment":
        return f"{value:+.3f}"
    return f"{value:,.0f}"


def _change(name: str, value: float | None, previous: float | None) -> str | None:
    if value is None or previous is None:
        return None
    if name == "Negative share":
        return f"{(value - previous) * 100:+.1f} points"
    if name == "Average sentiment":
        return f"{value - previous:+.3f}"
    if not previous:
        return None
    return f"{(value - previous) / previous:+.1%}"


if filters.community_id is None or filters.extent is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
