"""Activity: the live trace of messages per minute and messages per day."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.activity import Band
from dashboard.charts.style import TRACE_GREEN, dated, shaded_range
from dashboard.i18n import _


def live_trace(minutes: pd.DataFrame, band: Band | None, timezone: str) -> go.Figure:
    """Messages per minute as an ECG-like trace over the normal band for this hour."""
    x = pd.to_datetime(minutes["minute"], utc=True).dt.tz_convert(timezone)
    figure = go.Figure()
    if band is not None:
        n = len(x)
        figure.add_traces(
            shaded_range(x, [band.low_per_minute] * n, [band.high_per_minute] * n, _("normal band"))
        )
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[band.expected_per_minute] * len(x),
                name=_("usual"),
                line={"color": "#78909c", "dash": "dot", "width": 1},
                mode="lines",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=minutes["messages"],
            name=_("messages / minute"),
            mode="lines",
            line={"color": TRACE_GREEN, "width": 2, "shape": "linear"},
        )
    )
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=320,
        yaxis_title=_("messages per minute"),
        yaxis_rangemode="tozero",
        legend={"orientation": "h", "y": 1.12},
        hovermode="x unified",
    )
    return dated(figure)


def daily_messages(daily: pd.DataFrame) -> go.Figure:
    """Bars of messages per day."""
    figure = go.Figure(
        go.Bar(x=daily["bucket"], y=daily["messages"], marker_color="#00a152", name=_("messages"))
    )
    figure.update_layout(
        height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, yaxis_title=_("messages")
    )
    return dated(figure, daily["bucket"])
