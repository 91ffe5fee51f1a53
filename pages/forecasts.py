"""Forecasts: the next 48 hours of a series against its last 30 days, the hours that broke
out of the usual range, and the topics predicted to spike."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import forecasts as forecast_charts
from dashboard.i18n import _, number, percent
from dashboard.web import components, resources, views
from dashboard.web.views import DEFAULT_FACTOR, HISTORY_DAYS, MIN_VOLUME

filters = components.current_filters()
st.header(_("Forecasts"))
st.caption(
    _(
        "Hourly messages over the last {days} days of data and Prophet's forecast for the "
        "next 48 hours with its {range} range; the chart opens on the last {shown} days "
        "(double-click it, or drag, for the rest). The worker refits a series within 15 "
        "minutes of new data (imports included), and `ecg forecast` does it at once; this "
        "page only reads them."
    ).format(days=HISTORY_DAYS, range="80%", shown=forecast_charts.SHOWN_BEFORE_FORECAST.days)
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
    label = "Prophet" if method == "prophet" else f"{method} ({stored.note})"
    st.caption(
        _(
            "Made {made} by {method}, from data up to {end}. Hours that broke out of the "
            "usual range (at least {least:g} messages): {broke}. Spikes the detector started "
            "(the same as `ecg detect`): {starts}."
        ).format(
            made=components.local_text(stored.made_at, filters.timezone),
            method=label,
            end=components.local_text(stored.history_end, filters.timezone),
            least=MIN_VOLUME,
            broke=len(view.broke_out),
            starts=len(view.starts),
        )
    )
    accuracy = stored.accuracy
    if accuracy is None:
        st.caption(_("Day-ahead accuracy: not measured yet (it needs more than a day of data)."))
        return
    left, right = st.columns(2)
    left.metric(
        _("Day-ahead error, last {days} days").format(days=accuracy.days),
        _("{error} messages/hour").format(error=number(accuracy.mean_absolute_error, 1)),
        help=_(
            "Each day forecast from the data before it, then compared with what happened: "
            "the mean absolute error per hour."
        ),
    )
    right.metric(
        _("Hours inside the {range} range").format(range="80%"),
        percent(accuracy.share_inside),
        help=_("An honest {range} range holds about {range} of the hours.").format(range="80%"),
    )


def spikes_table(cid: int, factor: float, start, end) -> None:
    spikes = views.predicted_spikes(cid, factor, start, end)
    if spikes.empty:
        st.caption(
            _(
                "No topic is forecast to rise above {factor:g}× its normal level in the next "
                "24 hours."
            ).format(factor=factor)
        )
        return
    table = pd.DataFrame(
        {
            _("topic"): spikes["topic"],
            _("when"): [components.local_text(at, filters.timezone) for at in spikes["at"]],
            _("expected / hour"): spikes["expected"].round(1),
            _("normal / hour"): spikes["normal"].round(1),
            _("× normal"): spikes["ratio"].round(1),
            _("how sure"): spikes["sureness"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def body() -> None:
    cid = filters.community_id
    keys = resources.series_keys(cid)
    names = [key.name for key in keys]
    choice = st.selectbox(
        _("Series"),
        names,
        format_func={key.name: views.series_label(key) for key in keys}.get,
        help=_("The whole community, a topic or a channel."),
    )
    key = keys[names.index(choice)]
    start, end = views.history_window(filters.extent[1])
    view = views.forecast_view(cid, key, start, end)
    if view is None:
        st.info(
            _(
                "No forecast for this series yet: the worker makes them within 15 minutes of "
                "new data; `ecg forecast` makes them now."
            )
        )
    else:
        series_view(key, view)
    st.subheader(_("Predicted topic spikes, next 24 hours"))
    factor = st.slider(
        _("Flag a topic at this many times its normal level"), 1.5, 10.0, DEFAULT_FACTOR, 0.5
    )
    spikes_table(cid, factor, start, end)


if filters.community_id is None or filters.extent is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
