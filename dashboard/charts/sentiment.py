"""Sentiment over time per channel and the labels per channel."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.style import (
    ALL_CHANNELS,
    KIND_COLOURS,
    LABEL_COLOURS,
    channel_colours,
    dated,
    plain,
)
from dashboard.i18n import N_, _

LABEL_NAMES = {
    "positive": N_("positive"),
    "neutral": N_("neutral"),
    "negative": N_("negative"),
    "unscored": N_("not scored"),
}


def sentiment_over_time(series: pd.DataFrame) -> go.Figure:
    """Average sentiment (top) and negative share (bottom) per channel over time."""
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=(_("Average sentiment (compound score)"), _("Share of negative messages")),
    )
    colours = channel_colours(list(series["channel"].unique()))
    for channel, rows in series.groupby("channel", sort=False):
        width = 3 if channel == ALL_CHANNELS else 1.5
        common = {
            "x": rows["bucket"],
            "name": _(ALL_CHANNELS) if channel == ALL_CHANNELS else plain(channel),
            "legendgroup": plain(channel),
            "mode": "lines+markers",
            "line": {"width": width, "color": colours[channel]},
            "marker": {"color": colours[channel]},
        }
        figure.add_trace(go.Scatter(y=rows["avg_sentiment"], **common), row=1, col=1)
        figure.add_trace(
            go.Scatter(y=rows["negative_share"], showlegend=False, **common), row=2, col=1
        )
    figure.update_yaxes(range=[-1, 1], row=1, col=1)
    figure.update_yaxes(tickformat=".0%", rangemode="tozero", row=2, col=1)
    figure.update_layout(height=520, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return dated(figure, series["bucket"])


def label_distribution(distribution: pd.DataFrame) -> go.Figure:
    """Stacked bars: messages per channel by sentiment label."""
    figure = go.Figure()
    for label, colour in LABEL_COLOURS.items():
        rows = distribution[distribution["label"] == label]
        figure.add_trace(
            go.Bar(
                x=rows["channel"].map(_shown_channel),
                y=rows["messages"],
                name=_(LABEL_NAMES.get(label, label)),
                marker_color=colour,
            )
        )
    figure.update_layout(
        barmode="stack",
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=_("messages"),
    )
    return figure


def kinds_over_time(kinds: pd.DataFrame, kind_names: dict[str, str]) -> go.Figure:
    """Stacked bars: messages of each kind per bucket (`kind_names` words each kind)."""
    figure = go.Figure()
    for kind, colour in KIND_COLOURS.items():
        rows = kinds[kinds["kind"] == kind]
        figure.add_trace(
            go.Bar(
                x=rows["bucket"],
                y=rows["messages"],
                name=kind_names.get(kind, kind),
                marker_color=colour,
            )
        )
    figure.update_layout(
        barmode="stack",
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=_("messages"),
    )
    return dated(figure, kinds["bucket"])


def _shown_channel(channel: str) -> str:
    return _(ALL_CHANNELS) if channel == ALL_CHANNELS else plain(channel)
