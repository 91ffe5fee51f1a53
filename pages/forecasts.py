"""Forecasts: the next 48 hours of a series against its last 30 days, the hours that broke
out of the usual range, and the topics predicted to spike."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import forecasts as forecast_charts
from dashboard.web import components, resources, views
from dashboard.web.views import DEFAULT_FACTOR, HISTORY_DAYS, MIN_VOLUME

filters = components.current_filters()
st.header("Forecasts")
st.caption(
    f"Hourly messages over the last {HISTORY_DAYS} days of data and Prophet's forecast for the "
    "next 48 hours with its 80% range. The worker refits a series within 15 minutes of new "
    "data (imports included), and `ecg forecast` does it at once; this page only reads them."
)


def series_view(key, view: views.ForecastView) -> None:
    stored = view.stored
    figure = forecast_charts.forecast_chart(
        view.actual, stored.fitted, stored.ahead, view.broke_out, view.starts, filters.timezone
    )
    scopes = {"all"} if key.kind == "community" else {"all", f"{key.kind}:{key.id}"}
    points = stored.points["ds"]
    shown = (stored.fitted["ds"].iloc[0].to_pydatetime(), points.iloc[-1].to_pydatetime())
    st.plotly_chart(components.with_episodes(figure, *shown, scopes), width="stretch")
    method = stored.method
    label = "Prophet" if method == "prophet" else f"a {method} ({stored.note})"
    st.caption(
        f"Made {components.local_text(stored.made_at, filters.timezone)} by {label}, from data "
        f"up to {components.local_text(stored.history_end, filters.timezone)}. "
        f"Hours that broke out of the usual range (at least {MIN_VOLUME:g} messages): "
        f"{len(view.broke_out)}. Spikes the detector started (the same as `ecg detect`): "
        f"{len(view.starts)}."
    )
    accuracy = stored.accuracy
    if accuracy is None:
        st.caption("Day-ahead accuracy: not measured yet (it needs more than a day of data).")
        return
    left, right = st.columns(2)
    left.metric(
        f"Day-ahead error, last {accuracy.days} days",
        f"{accuracy.mean_absolute_error:.1f} messages/hour",
        help="Each day forecast from the data before it, then compared with what "
        "happened: the mean absolute error per hour.",
    )
    right.metric(
        "Hours inside the 80% range",
        f"{accuracy.share_inside:.0%}",
        help="An honest 80% range holds about 80% of the hours.",
    )


def spikes_table(cid: int, factor: float, start, end) -> None:
    spikes = views.predicted_spikes(cid, factor, start, end)
    if spikes.empty:
        st.caption(
            f"No topic is forecast to rise above {factor:g}× its normal level in the next 24 hours."
        )
        return
    table = pd.DataFrame(
        {
            "topic": spikes["topic"],
            "when": [components.local_text(at, filters.timezone) for at in spikes["at"]],
            "expected / hour": spikes["expected"].round(1),
            "normal / hour": spikes["normal"].round(1),
            "× normal": spikes["ratio"].round(1),
            "how sure": spikes["sureness"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def body() -> None:
    cid = filters.community_id
    keys = resources.series_keys(cid)
    names = [key.name for key in keys]
    choice = st.selectbox("Series", names, help="The whole community, a topic or a channel.")
    key = keys[names.index(choice)]
    start, end = views.history_window(filters.extent[1])
    view = views.forecast_view(cid, key, start, end)
    if view is None:
        st.info(
            "No forecast for this series yet: the worker makes them within 15 minutes of new data; "
            "`ecg forecast` makes them now."
        )
    else:
        series_view(key, view)
    st.subheader("Predicted topic spikes, next 24 hours")
    factor = st.slider(
        "Flag a topic at this many times its normal level", 1.5, 10.0, DEFAULT_FACTOR, 0.5
    )
    spikes_table(cid, factor, start, end)


if filters.community_id is None or filters.extent is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
