"""Live: the last hour, minute by minute, against normal for this hour of the week."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard.charts import activity as activity_charts
from dashboard.web import auth, components, resources, views

TRACE_MINUTES = 60
ACTIVE_MINUTES = 15
BASELINE_WEEKS = 8
LEVEL_BOX = {
    "normal": st.success,
    "elevated": st.warning,
    "critical": st.error,
    "quiet": st.warning,
    "unknown": st.info,
}

filters = components.current_filters()
st.header("Live activity")
st.caption(
    f"Messages per minute over the last {TRACE_MINUTES} minutes, against the normal band "
    f"for this hour of the week (from the previous {BASELINE_WEEKS} weeks). Updates by "
    f"itself every {resources.settings().live_refresh_seconds:g} seconds. The time range "
    "in the sidebar does not apply here; platform and channel do."
)


@st.fragment(run_every=resources.settings().live_refresh_seconds)
def live_panel() -> None:
    if auth.session_expired():
        st.rerun(scope="app")  # the whole app runs again and asks to sign in
    moment = components.now()
    cid, channels = filters.community_id, filters.channel_ids
    live = views.live_view(cid, channels, moment, TRACE_MINUTES, ACTIVE_MINUTES, BASELINE_WEEKS)
    LEVEL_BOX[live.state.level](f"**{live.state.level.capitalize()}**: {live.state.reason}")

    left, middle, right = st.columns(3)
    left.metric(f"Messages, last {ACTIVE_MINUTES} min", live.recent)
    middle.metric(f"Active members, last {ACTIVE_MINUTES} min", live.active_members)
    right.metric(f"Messages, last {TRACE_MINUTES} min", live.total)

    if not live.total:
        last = filters.extent[1] if filters.extent else None
        st.info(
            f"No messages in the last {TRACE_MINUTES} minutes. The newest data is from the "
            f"hour of {components.local_text(last, filters.timezone)}; the Sentiment and "
            "Topic heat pages show the past."
        )
    trace = activity_charts.live_trace(live.minutes, live.band, filters.timezone)
    this_minute = moment.replace(second=0, microsecond=0)
    shown_from = this_minute - timedelta(minutes=TRACE_MINUTES)
    st.plotly_chart(components.with_episodes(trace, shown_from, this_minute), width="stretch")

    st.subheader("Newest messages")
    newest = resources.newest_messages(cid, 15, channels, moment + timedelta(minutes=1))
    components.message_table(newest, filters.timezone, key="newest")


if filters.community_id is None or filters.extent is None:
    components.needs_data(filters)
else:
    components.database_guard(live_panel)
