"""Forecasts: the next 48 hours of a series against its last 30 days, the hours that broke
out of the usual range, and the topics predicted to spike."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard.charts import forecasts as forecast_charts
from dashboard.web import components, resources
from data_access.forecast_store import TOPIC
from forecasting.refresh import HISTORY_DAYS, series_of
from forecasting.spikes import (
    DEFAULT_FACTOR,
    MIN_VOLUME,
    anomalies,
    predicted_spike,
    spike_starts,
)

filters = components.current_filters()
st.header("Forecasts")
st.caption(
    f"Hourly messages over the last {HISTORY_DAYS} days of data and Prophet's forecast for the "
    "next 48 hours with its 80% range. The worker refits a series within 15 minutes of new "
    "data (imports included), and `ecg forecast` does it at once; this page only reads them."
)


def series_view(cid: int, key, actual: pd.DataFrame, stored) -> None:
    made_at, last_hour, method, note, points, backtest = stored
    points = points.assign(ds=pd.to_datetime(points["ds"], utc=True))
    fitted = points[points["ds"] <= pd.Timestamp(last_hour)]
    ahead = points[points["ds"] > pd.Timestamp(last_hour)]
    broke_out = anomalies(actual, fitted)
    starts = spike_starts(actual, fitted["ds"].iloc[0], last_hour)
    figure = forecast_charts.forecast_chart(
        actual, fitted, ahead, broke_out, starts, filters.timezone
    )
    scopes = {"all"} if key.kind == "community" else {"all", f"{key.kind}:{key.id}"}
    shown = (fitted["ds"].iloc[0].to_pydatetime(), points["ds"].iloc[-1].to_pydatetime())
    st.plotly_chart(components.with_episodes(figure, *shown, scopes), width="stretch")
    label = "Prophet" if method == "prophet" else f"a {method} ({note})"
    st.caption(
        f"Made {components.local_text(made_at, filters.timezone)} by {label}, from data "
        f"up to {components.local_text(last_hour, filters.timezone)}. "
        f"Hours that broke out of the usual range (at least {MIN_VOLUME:g} messages): "
        f"{len(broke_out)}. Spikes the detector started (the same as `ecg detect`): "
        f"{len(starts)}."
    )
    if backtest is None:
        st.caption("Day-ahead accuracy: not measured yet (it needs more than a day of data).")
    else:
        days, mae, inside = backtest
        left, right = st.columns(2)
        left.metric(
            f"Day-ahead error, last {days} days",
            f"{mae:.1f} messages/hour",
            help="Each day forecast from the data before it, then compared with what "
            "happened: the mean absolute error per hour.",
        )
        right.metric(
            "Hours inside the 80% range",
            f"{inside:.0%}",
            help="An honest 80% range holds about 80% of the hours.",
        )


def spikes_table(cid: int, keys, factor: float, start, end) -> None:
    rows = []
    for key in keys:
        stored = resources.read("forecast", cid, key.kind, key.id)
        if stored is None:
            continue
        last_hour, points = stored[1], stored[4]
        points = points.assign(ds=pd.to_datetime(points["ds"], utc=True))
        actual = resources.read("series_counts", cid, key.kind, key.id, start, end)
        spike = predicted_spike(
            points[points["ds"] > pd.Timestamp(last_hour)], actual, last_hour, factor
        )
        if spike is not None:
            rows.append(
                {
                    "topic": key.name,
                    "when": components.local_text(spike.at, filters.timezone),
                    "expected / hour": round(spike.expected, 1),
                    "normal / hour": round(spike.normal, 1),
                    "× normal": round(spike.ratio, 1),
                    "how sure": spike.sureness,
                }
            )
    if rows:
        table = pd.DataFrame(rows).sort_values("× normal", ascending=False)
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.caption(
            f"No topic is forecast to rise above {factor:g}× its normal level in the next 24 hours."
        )


def body() -> None:
    cid = filters.community_id
    keys = series_of(resources.engine(), cid)
    names = [key.name for key in keys]
    choice = st.selectbox("Series", names, help="The whole community, a topic or a channel.")
    key = keys[names.index(choice)]
    last = filters.extent[1]
    start, end = last - timedelta(days=HISTORY_DAYS) + timedelta(hours=1), last + timedelta(hours=1)
    stored = resources.read("forecast", cid, key.kind, key.id)
    if stored is None:
        st.info(
            "No forecast for this series yet: the worker makes them within 15 minutes of new data; "
            "`ecg forecast` makes them now."
        )
    else:
        series_view(
            cid, key, resources.read("series_counts", cid, key.kind, key.id, start, end), stored
        )
    st.subheader("Predicted topic spikes, next 24 hours")
    factor = st.slider(
        "Flag a topic at this many times its normal level", 1.5, 10.0, DEFAULT_FACTOR, 0.5
    )
    spikes_table(cid, [k for k in keys if k.kind == TOPIC], factor, start, end)


if filters.community_id is None or filters.extent is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
