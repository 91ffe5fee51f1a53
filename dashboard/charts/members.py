"""Members' lifecycle: people in each state week by week, and the flows between two weeks."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import _

STATE_COLOURS = {
    "new": "#42a5f5",
    "active": "#66bb6a",
    "vital": "#2e7d32",
    "returning": "#ab47bc",
    "at risk": "#ffa726",
    "churned": "#e53935",
    "not around": "#bdbdbd",
}


def states_over_time(counts: pd.DataFrame, state_names: dict[str, str]) -> go.Figure:
    """Stacked bars: people in each state (counts: week label, state, people)."""
    figure = go.Figure()
    for state, colour in STATE_COLOURS.items():
        rows = counts[counts["state"] == state]
        if rows.empty:
            continue
        figure.add_trace(
            go.Bar(
                x=rows["week"],
                y=rows["people"],
                name=state_names.get(state, state),
                marker_color=colour,
            )
        )
    figure.update_layout(
        barmode="stack",
        height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=_("people"),
    )
    return figure


def flows_sankey(flows: pd.DataFrame, state_names: dict[str, str]) -> go.Figure:
    """From each state last week (left) to each state this week (right)."""
    left = [s for s in STATE_COLOURS if s in set(flows["source"])]
    right = [s for s in STATE_COLOURS if s in set(flows["target"])]
    labels = [state_names.get(s, s) for s in left] + [state_names.get(s, s) for s in right]
    colours = [STATE_COLOURS[s] for s in left] + [STATE_COLOURS[s] for s in right]
    figure = go.Figure(
        go.Sankey(
            node={"label": labels, "color": colours, "pad": 18},
            link={
                "source": [left.index(s) for s in flows["source"]],
                "target": [len(left) + right.index(t) for t in flows["target"]],
                "value": flows["people"].tolist(),
            },
        )
    )
    figure.update_layout(height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return figure


def weeks_of_one(history: pd.DataFrame) -> go.Figure:
    """One member's messages per week (bars) and engagement (a line, right axis)."""
    figure = go.Figure(go.Bar(x=history["week"], y=history["messages"], name=_("messages")))
    figure.add_trace(
        go.Scatter(x=history["week"], y=history["engagement"], name=_("engagement"), yaxis="y2")
    )
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12},  # above: on the right it hid the axis
        yaxis={"title": _("messages"), "rangemode": "tozero"},
        # its own round ticks (synced to the bars' grid they read 0.16k, 1.83k ...)
        yaxis2={
            "title": _("engagement"),
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "tickmode": "auto",
            "showgrid": False,
            "automargin": True,  # room for its title: with the 10-pixel margin it was cut
        },
    )
    return figure


def segment_sizes(sizes: pd.DataFrame) -> go.Figure:
    """A segment's people week by week (sizes: week label, people)."""
    figure = go.Figure(
        go.Scatter(
            x=sizes["week"],
            y=sizes["people"],
            mode="lines+markers",
            line={"color": STATE_COLOURS["vital"]},
            name=_("people"),
        )
    )
    figure.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=_("people"),
        yaxis_rangemode="tozero",
    )
    return figure


def sentiment_of_one(weekly: pd.DataFrame) -> go.Figure:
    """One member's average sentiment per week (weekly: week, sentiment, messages)."""
    figure = go.Figure(
        go.Scatter(
            x=[str(week) for week in weekly["week"]],
            y=weekly["sentiment"],
            mode="lines+markers",
            customdata=weekly["messages"],
            hovertemplate="%{x}: %{y:.2f} (%{customdata})<extra></extra>",
            name=_("average sentiment"),
        )
    )
    figure.update_layout(
        height=240,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"range": [-1, 1], "title": _("average sentiment")},
        xaxis_title=_("week starting"),
    )
    return figure
