"""The colours and the small pieces every chart shares."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import CHINESE, N_, current

DAY_MILLISECONDS = 86_400_000
DAILY_TICKS_UP_TO = 31  # days: a tick for each while they fit
TRACE_GREEN = "#00c853"
BAND_FILL = "rgba(120, 144, 156, 0.25)"
ALL_CHANNELS = N_("All channels")  # the series of the whole community; shown translated
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
KIND_COLOURS = {  # analysis.kinds.KINDS, stacked in this order
    "question": "#1f77b4",
    "bug_report": "#d62728",
    "feature_request": "#9467bd",
    "complaint": "#ff7f0e",
    "praise": "#2ca02c",
    "other": "#c7c7c7",
}


def plain(text: object) -> str:
    """A community's name (channel, topic) for plotly, which reads a few HTML tags in its
    labels (<b>, <a href>, ...): escaped, so it shows the characters, never a tag."""
    return html.escape(str(text), quote=False)


FORECAST_FILL = "rgba(30, 136, 229, 0.22)"  # the range ahead: the forecast line's blue


def shaded_range(x, lower, upper, name: str, fill: str = BAND_FILL) -> list[go.Scatter]:
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


# How a Chinese reader writes the dates on a time axis, by how far apart the ticks are
# (plotly names months and weekdays in English whatever the page's language)
CHINESE_DATE_TICKS = [
    {"dtickrange": [None, 86_399_999], "value": "%H:%M<br>%-m月%-d日"},
    {"dtickrange": [86_400_000, "M1"], "value": "%-m月%-d日"},
    {"dtickrange": ["M1", "M12"], "value": "%Y年%-m月"},
    {"dtickrange": ["M12", None], "value": "%Y年"},
]


def dated(figure: go.Figure, buckets=None) -> go.Figure:
    """The figure's time axes written in the viewer's language (English: plotly's own).
    With `buckets` (the x values) of whole days, up to a month of them: a tick a day
    (plotly's own choice wrote 03:00, 06:00 … between two days' points)."""
    if current() == CHINESE:
        figure.update_xaxes(tickformatstops=CHINESE_DATE_TICKS)
    if buckets is not None and _few_whole_days(buckets):
        figure.update_xaxes(dtick=DAY_MILLISECONDS)
    return figure


def _few_whole_days(buckets) -> bool:
    """Whether the buckets start at one time of day, a day apart, and are a month at most."""
    times = pd.Series(pd.to_datetime(pd.Series(buckets)).unique())
    if not 0 < len(times) <= DAILY_TICKS_UP_TO or times.dt.time.nunique() != 1:
        return False
    days = pd.Series(sorted(times.dt.date))
    return len(days) == 1 or days.diff().min() == pd.Timedelta(days=1)
