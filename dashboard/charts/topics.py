"""Topic heat: topics by time bucket, and the topics rising fastest."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import dated, plain
from dashboard.i18n import _


def topic_heatmap(heat: pd.DataFrame, by_volume: bool = True) -> go.Figure:
    """Topics (rows) by time bucket (columns), coloured by volume or average sentiment."""
    value = "messages" if by_volume else "avg_sentiment"
    grid = heat.pivot_table(index="topic", columns="bucket", values=value, aggfunc="sum")
    if value == "messages":
        grid = grid.fillna(0)
        colours = {"colorscale": "YlOrRd", "zmin": 0}
        title = _("messages")
    else:
        colours = {"colorscale": "RdYlGn", "zmin": -1, "zmax": 1, "zmid": 0}
        title = _("avg sentiment")
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
    return dated(figure)


RISE, FALL = "#ff7043", "#5c8fb8"  # a topic that grew, one that did not (or fell)


def rising_topics(rising: pd.DataFrame) -> go.Figure:
    """Horizontal bars of each topic's growth against the previous period: a rise in
    orange, a fall (or no change) in blue, on either side of the dotted line at 1×."""
    top = rising.head(10).iloc[::-1]
    figure = go.Figure(
        go.Bar(
            x=top["growth"],
            y=top["topic"].map(plain),
            orientation="h",
            marker_color=[RISE if growth > 1 else FALL for growth in top["growth"]],
            text=[
                _("{now} vs {before}").format(now=m, before=p)
                for m, p in zip(top["messages"], top["previous"], strict=True)
            ],
            textposition="auto",
        )
    )
    figure.add_vline(x=1, line_dash="dot", line_color="#78909c")
    figure.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=_("growth against the previous period (×)"),
    )
    return figure
