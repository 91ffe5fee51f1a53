"""Overview: the last 7 days against the 7 before, for everyone, executives included."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard.charts import activity as activity_charts
from dashboard.i18n import N_, _, number, percent
from dashboard.web import components, resources
from dashboard.web.timeranges import TimeRange, range_with_data
from dashboard.web.views import sentiment_series

filters = components.current_filters()
MESSAGES, ACTIVE, AVERAGE, NEGATIVE = (
    N_("Messages"),
    N_("Active members"),
    N_("Average sentiment"),
    N_("Negative share"),
)
st.header(_("Overview"))
st.caption(
    _(
        "The last 7 days that have data against the 7 days before, for the whole community "
        "(the sidebar's time range does not apply here). Sentiment counts English and "
        "Chinese messages; other languages are counted apart."
    )
)


def figures(cid: int, window: TimeRange) -> dict[str, float | None]:
    rollup = resources.channel_hourly(cid, window.start, window.end, None)
    sums = rollup[["messages", "sentiment_sum", "sentiment_count", "negative_count"]].sum()
    scored = sums["sentiment_count"]
    return {
        MESSAGES: float(sums["messages"]),
        ACTIVE: float(resources.active_members(cid, window.start, window.end, None)),
        AVERAGE: sums["sentiment_sum"] / scored if scored else None,
        NEGATIVE: sums["negative_count"] / scored if scored else None,
    }


def body() -> None:
    cid = filters.community_id
    last_hour = filters.extent[1]
    window = range_with_data(last_hour, timedelta(days=7))
    now, before = figures(cid, window), figures(cid, window.previous())
    st.caption(
        _("{start} to {end}").format(
            start=components.local_text(window.start, filters.timezone),
            end=components.local_text(window.end, filters.timezone),
        )
    )
    for column, (name, value) in zip(st.columns(len(now)), now.items(), strict=True):
        column.metric(
            _(name),
            _shown(name, value),
            _change(name, value, before[name]),
            delta_color="inverse" if name == NEGATIVE else "normal",
        )
    rollup = resources.channel_hourly(cid, window.start, window.end, None)
    daily = sentiment_series(rollup, filters.channel_names, "day", filters.timezone)
    total = daily[daily["channel"] == "All channels"]
    st.subheader(_("Messages per day"))
    shown = components.mark_partial_buckets(activity_charts.daily_messages(total), "day", window)
    st.plotly_chart(shown, width="stretch")


def _shown(name: str, value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    if name == NEGATIVE:
        return percent(value, 1)
    if name == AVERAGE:
        return f"{value:+.3f}"
    return number(value)


def _change(name: str, value: float | None, previous: float | None) -> str | None:
    if value is None or previous is None:
        return None
    if name == NEGATIVE:
        return _("{change:+.1f} points").format(change=(value - previous) * 100)
    if name == AVERAGE:
        return f"{value - previous:+.3f}"
    if not previous:
        return None
    return f"{(value - previous) / previous:+.1%}"


if filters.community_id is None or filters.extent is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
