"""Live: the last hour, minute by minute, against normal for this hour of the week."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from analysis.activity import live_state, normal_band
from analysis.series import minute_counts
from dashboard.charts import activity as activity_charts
from dashboard.web import auth, components, resources

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
    this_minute = moment.replace(second=0, microsecond=0)
    shown_from = this_minute - timedelta(minutes=TRACE_MINUTES)
    # the current minute counts in the figures; the trace draws whole minutes only
    per_minute = resources.read("messages_per_minute", cid, shown_from, moment, channels)
    minutes = minute_counts(per_minute, this_minute, TRACE_MINUTES)
    hour = moment.replace(minute=0, second=0, microsecond=0)
    band = normal_band(
        resources.read("same_hour_in_past_weeks", cid, hour, BASELINE_WEEKS, channels)
    )
    since = this_minute - timedelta(minutes=ACTIVE_MINUTES)
    recent = int(per_minute[per_minute.index >= since].sum())
    state = live_state(recent, ACTIVE_MINUTES, band)
    LEVEL_BOX[state.level](f"**{state.level.capitalize()}**: {state.reason}")

    left, middle, right = st.columns(3)
    left.metric(f"Messages, last {ACTIVE_MINUTES} min", recent)
    middle.metric(
        f"Active members, last {ACTIVE_MINUTES} min",
        resources.read("members_active_since", cid, since, channels),
    )
    total = int(per_minute.sum())
    right.metric(f"Messages, last {TRACE_MINUTES} min", total)

    if not total:
        last = filters.extent[1] if filters.extent else None
        st.info(
            f"No messages in the last {TRACE_MINUTES} minutes. The newest data is from the "
            f"hour of {components.local_text(last, filters.timezone)}; the Sentiment and "
            "Topic heat pages show the past."
        )
    trace = activity_charts.live_trace(minutes, band, filters.timezone)
    st.plotly_chart(components.with_episodes(trace, shown_from, this_minute), width="stretch")

    st.subheader("Newest messages")
    newest = resources.read("newest_messages", cid, 15, channels, moment + timedelta(minutes=1))
    components.message_table(newest, filters.timezone, key="newest")


if filters.community_id is None or filters.extent is None:
    components.needs_data(filters)
else:
    components.database_guard(live_panel)
