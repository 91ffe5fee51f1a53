"""Figures of alerts: episodes shaded on any time chart, a rule's backtest preview, and
the evidence of one episode. Pure: DataFrames in, plotly Figures out."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import dated, plain
from dashboard.i18n import _, alert_words

SEVERITY_COLOURS = {"critical": "#d32f2f", "warning": "#f57c00", "info": "#1e88e5"}
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
PREVIEW_BUCKET = "10min"  # a month of minutes is too many points for a browser
LABEL_CHAR_SHARE = 1 / 130  # of a chart's time range, a character of a band's label takes
LABEL_ROWS = 3  # a label that would run into the one before goes a row lower (cycling)
LABEL_ROW_STEP = 0.08  # of the plot's height


def local_minutes(minutes: pd.Series, timezone: str) -> pd.Series:
    return pd.to_datetime(minutes.astype("int64") * 60, unit="s", utc=True).dt.tz_convert(timezone)


def shade_episodes(
    figure: go.Figure, episodes: pd.DataFrame, timezone: str, start: datetime, end: datetime
) -> go.Figure:
    """Shade the episodes (started_at, ended_at or None while firing, severity, rule_name)
    across the chart, cut to its [start, end); overlapping ones share one span, coloured by
    the most severe and named after the first ("Volume surge +2"); a label that would
    run into the one before it is put a row lower."""
    spans = merged_spans(episodes, start, end)
    for span, row in zip(spans, label_rows(spans, start, end), strict=True):
        figure.add_vrect(
            x0=pd.Timestamp(span["start"]).tz_convert(timezone),
            x1=pd.Timestamp(span["end"]).tz_convert(timezone),
            fillcolor=SEVERITY_COLOURS.get(span["severity"], "#9e9e9e"),
            opacity=0.15,
            line_width=0,
            layer="below",
            annotation_text=plain(span["label"]),
            annotation_position="top left",
            annotation_y=1 - row * LABEL_ROW_STEP,
            annotation_yanchor="top",
            annotation_font_size=10,
        )
    return figure


def label_rows(spans: list[dict], start: datetime, end: datetime) -> list[int]:
    """The row (0: the top) of each span's label: the highest whose last label ends before
    this span starts, a label's width taken as LABEL_CHAR_SHARE of [start, end) a
    character (two for a Chinese one); when none is free, the row whose last label ends first."""
    ends: list = [None] * LABEL_ROWS  # where each row's last label ends
    per_char = (pd.Timestamp(end) - pd.Timestamp(start)) * LABEL_CHAR_SHARE
    rows = []
    for span in spans:
        at = pd.Timestamp(span["start"])
        free = [row for row, taken in enumerate(ends) if taken is None or taken <= at]
        row = free[0] if free else min(range(LABEL_ROWS), key=lambda r: ends[r])
        ends[row] = at + per_char * shown_width(span["label"])
        rows.append(row)
    return rows


def shown_width(text: str) -> int:
    """A label's width in Latin characters: a Chinese character (East Asian wide or
    full-width) takes two ("活跃度下降" runs as far as "Activity d")."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def merged_spans(episodes: pd.DataFrame, start: datetime, end: datetime) -> list[dict]:
    """Episodes cut to [start, end), overlapping ones merged: start, end, severity, label."""
    spans: list[dict] = []
    ordered = episodes.sort_values("started_at") if not episodes.empty else episodes
    for row in ordered.itertuples():
        first = max(row.started_at, start)
        last = min(row.ended_at if pd.notna(row.ended_at) else end, end)
        if spans and first <= spans[-1]["end"]:
            span = spans[-1]
            span["end"] = max(span["end"], last)
            span["names"].append(row.rule_name)
            if SEVERITY_RANK[row.severity] > SEVERITY_RANK[span["severity"]]:
                span["severity"] = row.severity
        else:
            spans.append(
                {"start": first, "end": last, "severity": row.severity, "names": [row.rule_name]}
            )
    for span in spans:
        more = len(span["names"]) - 1
        span["label"] = alert_words.rule_text(span["names"][0]) + (f" +{more}" if more else "")
    return spans


def _bucketed(scores: pd.DataFrame, timezone: str, direction: str) -> pd.DataFrame:
    frame = scores.assign(at=local_minutes(scores["minute"], timezone)).set_index("at")
    extreme = "max" if direction == "above" else "min"
    grouped = frame.resample(PREVIEW_BUCKET)
    return pd.DataFrame(
        {"value": grouped["value"].agg(extreme), "limit": grouped["limit"].mean()}
    ).reset_index()


def rule_preview(
    edited: pd.DataFrame,
    edited_episodes: pd.DataFrame,
    current: pd.DataFrame | None,
    current_episodes: pd.DataFrame | None,
    metric_label: str,
    direction: str,
    timezone: str,
) -> go.Figure:
    """The metric over the backtest period with the edited rule's threshold line and
    episodes (shaded red), beside the saved rule's line and episodes (grey bars below)."""
    shown = _bucketed(edited, timezone, direction)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=shown["at"],
            y=shown["value"],
            mode="lines",
            name=plain(metric_label),
            line={"color": "#37474f", "width": 1},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=shown["at"],
            y=shown["limit"],
            mode="lines",
            name=_("edited threshold"),
            line={"color": "#d32f2f", "width": 1.5, "dash": "dash"},
        )
    )
    if current is not None:
        before = _bucketed(current, timezone, direction)
        figure.add_trace(
            go.Scatter(
                x=before["at"],
                y=before["limit"],
                mode="lines",
                name=_("saved threshold"),
                line={"color": "#757575", "width": 1.5, "dash": "dot"},
            )
        )
    _episode_bars(figure, edited_episodes, _("edited rule fires"), "#d32f2f", 0.2)
    if current_episodes is not None:
        _episode_bars(figure, current_episodes, _("saved rule fires"), "#757575", 0.12)
    figure.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.14},
        hovermode="x unified",
        yaxis_title=plain(metric_label),
    )
    return dated(figure)


def _episode_bars(figure, episodes: pd.DataFrame, name: str, colour: str, opacity: float):
    """Episodes as shaded spans, with one invisible trace so the legend names them."""
    for row in episodes.itertuples():
        figure.add_vrect(
            x0=row.start, x1=row.end, fillcolor=colour, opacity=opacity, line_width=0, layer="below"
        )
    figure.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=f"{name} ({len(episodes)})",
            marker={"color": colour, "symbol": "square", "size": 12, "opacity": 0.5},
        )
    )


def evidence(
    scores: pd.DataFrame,
    episode_start: datetime,
    episode_end: datetime,
    metric_label: str,
    timezone: str,
) -> go.Figure:
    """The metric minute by minute around one episode, its threshold line, the episode shaded."""
    at = local_minutes(scores["minute"], timezone)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=at,
            y=scores["value"],
            mode="lines",
            name=plain(metric_label),
            line={"color": "#37474f", "width": 1.5},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=at,
            y=scores["limit"],
            mode="lines",
            name=_("threshold"),
            line={"color": "#d32f2f", "width": 1.5, "dash": "dash"},
        )
    )
    figure.add_vrect(
        x0=pd.Timestamp(episode_start).tz_convert(timezone),
        x1=pd.Timestamp(episode_end).tz_convert(timezone),
        fillcolor="#d32f2f",
        opacity=0.15,
        line_width=0,
        layer="below",
    )
    figure.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.14},
        hovermode="x unified",
    )
    return dated(figure)
