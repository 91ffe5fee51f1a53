"""Live: the last hour, minute by minute, against normal for this hour of the week."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard.charts import activity as activity_charts
from dashboard.i18n import N_, _
from dashboard.web import auth, components, resources, views
from dashboard.web.corrections_view import correction_form

TRACE_MINUTES = 60
ACTIVE_MINUTES = 15
BASELINE_WEEKS = 8
LEVEL_NAMES = {
    "normal": N_("Normal"),
    "elevated": N_("Elevated"),
    "critical": N_("Critical"),
    "quiet": N_("Quiet"),
    "unknown": N_("Unknown"),
}
LEVEL_BOX = {
    "normal": st.success,
    "elevated": st.warning,
    "critical": st.error,
    "quiet": st.warning,
    "unknown": st.info,
}

filters = components.current_filters()
st.header(_("Live activity"))
st.caption(
    _(
        "Messages per minute over the last {minutes} minutes, against the normal band for "
        "this hour of the week (from the previous {weeks} weeks). Updates by itself every "
        "{seconds:g} seconds. The time range in the sidebar does not apply here; platform "
        "and channel do."
    ).format(
        minutes=TRACE_MINUTES,
        weeks=BASELINE_WEEKS,
        seconds=resources.settings().live_refresh_seconds,
    )
)


@st.fragment(run_every=resources.settings().live_refresh_seconds)
def live_panel() -> None:
    if auth.session_expired():
        st.rerun(scope="app")  # the whole app runs again and asks to sign in
    moment = components.now()
    cid, channels = filters.community_id, filters.channel_ids
    live = views.live_view(cid, channels, moment, TRACE_MINUTES, ACTIVE_MINUTES, BASELINE_WEEKS)
    level = _(LEVEL_NAMES[live.state.level])
    LEVEL_BOX[live.state.level](f"**{level}**: {views.live_reason(live.state)}")

    left, middle, right = st.columns(3)
    left.metric(_("Messages, last {minutes} min").format(minutes=ACTIVE_MINUTES), live.recent)
    middle.metric(
        _("Active members, last {minutes} min").format(minutes=ACTIVE_MINUTES),
        live.active_members,
    )
    right.metric(_("Messages, last {minutes} min").format(minutes=TRACE_MINUTES), live.total)

    if not live.total:
        last = filters.extent[1] if filters.extent else None
        st.info(
            _(
                "No messages in the last {minutes} minutes. The newest data is from the hour "
                "of {time}; the Sentiment and Topic heat pages show the past."
            ).format(minutes=TRACE_MINUTES, time=components.local_text(last, filters.timezone))
        )
    trace = activity_charts.live_trace(live.minutes, live.band, filters.timezone)
    this_minute = moment.replace(second=0, microsecond=0)
    shown_from = this_minute - timedelta(minutes=TRACE_MINUTES)
    st.plotly_chart(components.with_episodes(trace, shown_from, this_minute), width="stretch")

    st.subheader(_("Newest messages"))
    kinds = components.kind_picker("newest_kinds")
    newest = resources.newest_messages(cid, 15, channels, moment + timedelta(minutes=1), kinds)
    components.message_table(newest, filters.timezone, key="newest")
    correction_form(cid, newest, "newest")


if filters.community_id is None or filters.extent is None:
    components.needs_data(filters)
else:
    components.database_guard(live_panel)
