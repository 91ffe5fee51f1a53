"""Pure figure builders: DataFrame in, plotly Figure out. No Streamlit here."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.activity import Band

TRACE_GREEN = "#00c853"
BAND_FILL = "rgba(120, 144, 156, 0.25)"
ALL_CHANNELS = "All channels"
ALL_COLOUR = "#212121"  # the whole community: dark and thick, never a channel's colour
# distinct colours for channels, none near the whole community's or another's (Dark24)
CHANNEL_COLOURS = (
    "#2e91e5", "#e15f99", "#1ca71c", "#fb0d0d", "#da16ff", "#b68100", "#750d86", "#eb663b",
    "#511cfb", "#00a08b", "#fb00d1", "#fc0080", "#b2828d", "#6c7c32", "#778aae", "#862a16",
    "#a777f1", "#620042", "#1616a7", "#da60ca", "#6c4516", "#0d2a63", "#af0038",
)  # fmt: skip
LABEL_COLOURS = {
    "negative": "#d62728",
    "neutral": "#9e9e9e",
    "positive": "#2ca02c",
    "unscored": "#bdbdbd",
}


def plain(text: object) -> str:
    """A community's name (channel, topic) for plotly, which reads a few HTML tags in its
    labels (<b>, <a href>, ...): escaped, so it shows the characters, never a tag."""
    return html.escape(str(text), quote=False)


def live_trace(minutes: pd.DataFrame, band: Band | None, timezone: str) -> go.Figure:
    """Messages per minute as an ECG-like trace over the normal band for this hour."""
    x = pd.to_datetime(minutes["minute"], utc=True).dt.tz_convert(timezone)
    figure = go.Figure()
    if band is not None:
        n = len(x)
        figure.add_traces(
            _band(x, [band.low_per_minute] * n, [band.high_per_minute] * n, "normal band")
        )
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[band.expected_per_minute] * len(x),
                name="usual",
                line={"color": "#78909c", "dash": "dot", "width": 1},
                mode="lines",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=minutes["messages"],
            name="messages / minute",
            mode="lines",
            line={"color": TRACE_GREEN, "width": 2, "shape": "linear"},
        )
    )
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=320,
        yaxis_title="messages per minute",
        yaxis_rangemode="tozero",
        legend={"orientation": "h", "y": 1.12},
        hovermode="x unified",
    )
    return figure


FORECAST_FILL = "rgba(30, 136, 229, 0.22)"  # the range ahead: the forecast line's blue
SHOWN_BEFORE_FORECAST = pd.Timedelta(days=7)  # the chart opens on a week and the 48 h ahead


def _band(x, lower, upper, name: str, fill: str = BAND_FILL) -> list[go.Scatter]:
    """A shaded range: an invisible upper edge, then the lower edge filled up to it."""
    edge = {"x": x, "mode": "lines", "line": {"width": 0}}
    return [
        go.Scatter(y=upper, showlegend=False, hoverinfo="skip", **edge),
        go.Scatter(y=lower, fill="tonexty", fillcolor=fill, name=name, **edge),
    ]


def channel_colours(channels: list[str]) -> dict[str, str]:
    """One colour per channel, the same in every panel: the whole community dark, the
    channels from CHANNEL_COLOURS in order (repeating only past 23 channels)."""
    shown = [c for c in channels if c != ALL_CHANNELS]
    colours = {c: CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)] for i, c in enumerate(shown)}
    return {ALL_CHANNELS: ALL_COLOUR, **colours}


def sentiment_over_time(series: pd.DataFrame) -> go.Figure:
    """Average sentiment (top) and negative share (bottom) per channel over time."""
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=("Average sentiment (VADER compound)", "Share of negative messages"),
    )
    colours = channel_colours(list(series["channel"].unique()))
    for channel, rows in series.groupby("channel", sort=False):
        width = 3 if channel == ALL_CHANNELS else 1.5
        common = {
            "x": rows["bucket"],
            "name": plain(channel),
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
    return figure


def label_distribution(distribution: pd.DataFrame) -> go.Figure:
    """Stacked bars: messages per channel by sentiment label."""
    figure = go.Figure()
    for label, colour in LABEL_COLOURS.items():
        rows = distribution[distribution["label"] == label]
        figure.add_trace(
            go.Bar(
                x=rows["channel"].map(plain), y=rows["messages"], name=label, marker_color=colour
            )
        )
    figure.update_layout(
        barmode="stack",
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="messages",
    )
    return figure


def topic_heatmap(heat: pd.DataFrame, colour_by: str) -> go.Figure:
    """Topics (rows) by time bucket (columns), coloured by volume or average sentiment."""
    value = "messages" if colour_by == "volume" else "avg_sentiment"
    grid = heat.pivot_table(index="topic", columns="bucket", values=value, aggfunc="sum")
    if value == "messages":
        grid = grid.fillna(0)
        colours = {"colorscale": "YlOrRd", "zmin": 0}
        title = "messages"
    else:
        colours = {"colorscale": "RdYlGn", "zmin": -1, "zmax": 1, "zmid": 0}
        title = "avg sentiment"
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=[plain(topic) for topic in grid.index],
            colorbar={"title": {"text": title}},
            hoverongaps=False,
            **colours,
        )
    )
    figure.update_layout(
        height=max(300, 40 * len(grid.index) + 80), margin={"l": 10, "r": 10, "t": 30, "b": 10}
    )
    return figure


def rising_topics(rising: pd.DataFrame) -> go.Figure:
    """Horizontal bars of each topic's growth against the previous period."""
    top = rising.head(10).iloc[::-1]
    figure = go.Figure(
        go.Bar(
            x=top["growth"],
            y=top["topic"].map(plain),
            orientation="h",
            marker_color="#ff7043",
            text=[f"{m} vs {p}" for m, p in zip(top["messages"], top["previous"], strict=True)],
            textposition="auto",
        )
    )
    figure.add_vline(x=1, line_dash="dot", line_color="#78909c")
    figure.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="growth against the previous period (×)",
    )
    return figure


def daily_messages(daily: pd.DataFrame) -> go.Figure:
    """Bars of messages per day."""
    figure = go.Figure(
        go.Bar(x=daily["bucket"], y=daily["messages"], marker_color="#00a152", name="messages")
    )
    figure.update_layout(
        height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, yaxis_title="messages"
    )
    return figure


def forecast_chart(
    actual: pd.DataFrame,
    fitted: pd.DataFrame,
    ahead: pd.DataFrame,
    broke_out: pd.DataFrame,
    starts: pd.DataFrame,
    timezone: str,
) -> go.Figure:
    """Hourly volume, the band fitted over it, the forecast ahead, the hours that broke out
    of the band, and where the spike detector started a spike."""

    def local(frame: pd.DataFrame) -> pd.Series:
        return pd.to_datetime(frame["ds"], utc=True).dt.tz_convert(timezone)

    figure = go.Figure()
    bands = ((fitted, "usual range", BAND_FILL), (ahead, "forecast range", FORECAST_FILL))
    for frame, name, fill in bands:
        figure.add_traces(_band(local(frame), frame["yhat_lower"], frame["yhat_upper"], name, fill))
    figure.add_trace(
        go.Scatter(
            x=local(actual),
            y=actual["y"],
            mode="lines",
            name="messages",
            line={"color": "#37474f", "width": 1.2},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=local(ahead),
            y=ahead["yhat"],
            mode="lines",
            name="forecast",
            line={"color": "#1e88e5", "width": 2, "dash": "dash"},
        )
    )
    marks = (
        (broke_out, "broke out of the range", {"color": "#d62728", "size": 8, "symbol": "x"}),
        (
            starts,
            "spike starts",
            {
                "color": "#ff6f00",
                "size": 12,
                "symbol": "triangle-up",
                "line": {"color": "#000000", "width": 1},
            },
        ),
    )
    for frame, name, marker in marks:
        figure.add_trace(
            go.Scatter(x=local(frame), y=frame["y"], mode="markers", name=name, marker=marker)
        )
    figure.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="messages per hour",
        yaxis_rangemode="tozero",
        legend={"orientation": "h", "y": 1.12},
        hovermode="x unified",
    )
    if not ahead.empty:  # the 48 h ahead get room; zoom out (double-click) for the month
        end = local(ahead).max()
        first = local(actual).min() if not actual.empty else end
        figure.update_xaxes(
            range=[max(first, end - SHOWN_BEFORE_FORECAST - pd.Timedelta(2, "D")), end]
        )
    return figure
