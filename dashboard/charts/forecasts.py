"""A series's forecast: volume, the usual range, the 48 h ahead and the spikes."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import BAND_FILL, FORECAST_FILL, dated, shaded_range
from dashboard.i18n import _

SHOWN_BEFORE_FORECAST = pd.Timedelta(days=7)  # the chart opens on a week and the 48 h ahead


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
    bands = ((fitted, _("usual range"), BAND_FILL), (ahead, _("forecast range"), FORECAST_FILL))
    for frame, name, fill in bands:
        figure.add_traces(
            shaded_range(local(frame), frame["yhat_lower"], frame["yhat_upper"], name, fill)
        )
    figure.add_trace(
        go.Scatter(
            x=local(actual),
            y=actual["y"],
            mode="lines",
            name=_("messages"),
            line={"color": "#37474f", "width": 1.2},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=local(ahead),
            y=ahead["yhat"],
            mode="lines",
            name=_("forecast"),
            line={"color": "#1e88e5", "width": 2, "dash": "dash"},
        )
    )
    marks = (
        (broke_out, _("broke out of the range"), {"color": "#d62728", "size": 8, "symbol": "x"}),
        (
            starts,
            _("spike starts"),
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
        yaxis_title=_("messages per hour"),
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
    return dated(figure)
