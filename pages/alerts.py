"""Alerts: what is firing now, the history with filters, and each alert's evidence; managers
and up acknowledge and silence from here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboard.charts import alerts as alert_charts
from dashboard.web import actions, auth, components, resources
from dashboard.web.auth import Action
from dashboard.web.rule_editor import METRICS, baseline_note, uses_sentiment

EVIDENCE_BEFORE = timedelta(hours=6)
EVIDENCE_AFTER = timedelta(hours=2)
DRIVING_MESSAGES = 30
SILENCE_FOR = {"1 hour": 1, "4 hours": 4, "1 day": 24, "1 week": 24 * 7}

filters = components.current_filters()
st.header("Alerts")
st.caption(
    "Episodes of the alert rules (tuned on the Thresholds page): one per incident, from the "
    "minute it fired to the minute it resolved. Pick one to see the metric around it, its "
    "threshold and the messages that drove it."
)


def table(episodes: pd.DataFrame) -> pd.DataFrame:
    def local(column: str) -> pd.Series:
        return (
            pd.to_datetime(episodes[column], utc=True)
            .dt.tz_convert(filters.timezone)
            .dt.strftime("%Y-%m-%d %H:%M")
        )

    return pd.DataFrame(
        {
            "severity": episodes["severity"],
            "rule": episodes["rule_name"],
            "scope": episodes["scope_label"],
            "fired": local("started_at"),
            "resolved": local("ended_at").fillna("firing"),
            "peak": episodes["peak_value"].round(3),
            "acknowledged by": episodes["acknowledged_by"].fillna(""),
            "silenced": episodes["silenced"],
        }
    )


def firing_now(now) -> None:
    firing = resources.alert_episodes(filters.community_id, now, now, True)
    st.subheader(f"Firing now: {len(firing)}")
    if firing.empty:
        st.success("Nothing is firing.")
    else:
        st.dataframe(table(firing), hide_index=True, width="stretch")


def history(episodes: pd.DataFrame) -> pd.DataFrame:
    st.subheader("History")
    left, middle = st.columns(2)
    severities = left.multiselect("Severity", ["critical", "warning", "info"])
    rules = middle.multiselect("Rule", sorted(episodes["rule_name"].unique()))
    shown = episodes
    if severities:
        shown = shown[shown["severity"].isin(severities)]
    if rules:
        shown = shown[shown["rule_name"].isin(rules)]
    st.dataframe(table(shown), hide_index=True, width="stretch")
    return shown


def evidence(episode, now) -> None:
    rule = next(
        (r for r in resources.alert_rules(filters.community_id) if r.id == episode.rule_id), None
    )
    if rule is None:
        st.info("The rule of this episode no longer exists.")
        return
    end = episode.ended_at if pd.notna(episode.ended_at) else now
    last_data = filters.extent[1] + timedelta(hours=1) if filters.extent else now
    shown_end = min(max(end, episode.started_at) + EVIDENCE_AFTER, now, last_data + EVIDENCE_AFTER)
    scores = resources.episode_scores(
        filters.community_id,
        rule,
        episode.scope_key,
        episode.started_at - EVIDENCE_BEFORE,
        shown_end,
    )
    st.caption(rule.runbook or "This rule has no runbook.")
    note = baseline_note(rule, filters.extent, bool(resources.series_keys(filters.community_id)))
    if note:
        st.caption(note)
    if scores.empty:
        st.info("The scope of this episode has no data any more.")
    else:
        figure = alert_charts.evidence(
            scores, episode.started_at, min(end, shown_end), METRICS[rule.metric], filters.timezone
        )
        st.plotly_chart(figure, width="stretch")
    window_start = episode.onset_at - timedelta(minutes=rule.window_minutes)
    st.markdown("**Messages that drove it**")
    kinds = components.kind_picker(f"evidence-kinds-{episode.id}")
    messages = resources.episode_messages(
        filters.community_id,
        episode.scope_key,
        window_start,
        end,
        uses_sentiment(rule),
        DRIVING_MESSAGES,
        kinds,
    )
    components.message_table(
        messages, filters.timezone, f"evidence-{episode.id}", since=window_start
    )


def episode_actions(episode, now) -> None:
    if not auth.allowed(auth.current_account(), Action.ACKNOWLEDGE_ALERTS):
        return
    left, right = st.columns(2)
    acknowledge = pd.isna(episode.acknowledged_by) and left.button("Acknowledge")
    if acknowledge and actions.acknowledge_alert(int(episode.id)):
        st.rerun()
    with right.popover("Silence"):
        duration = st.selectbox("For", list(SILENCE_FOR))
        whole_rule = st.checkbox("Every scope of this rule", value=False)
        comment = st.text_input("Why", placeholder="known incident, fix deploying")
        if st.button("Silence notifications") and actions.silence_alerts(
            filters.community_id,
            int(episode.rule_id),
            None if whole_rule else episode.scope_key,
            now,
            timedelta(hours=SILENCE_FOR[duration]),
            comment,
        ):
            st.success(f"Silenced for {duration}.")


def silences(now) -> None:
    current = resources.alert_silences(filters.community_id, now)
    with st.expander(f"Silences ({len(current)} in force or planned)"):
        for row in current.itertuples():
            since = components.local_text(row.starts_at, filters.timezone)
            until = components.local_text(row.ends_at, filters.timezone)
            scope = row.scope_key or "every scope"
            st.text(f"{since} to {until}, {scope}, by {row.author}: {row.comment}")
        if auth.allowed(auth.current_account(), Action.SILENCE_ALERTS):
            new_silence(now)


def new_silence(now) -> None:
    """A planned silence, for maintenance: which rule and scope, from when, for how long."""
    st.markdown("**New silence**")
    rules = {r.id: r.name for r in resources.alert_rules(filters.community_id)}
    left, right = st.columns(2)
    rule_id = left.selectbox(
        "Rule", [None, *rules], format_func=lambda i: "every rule" if i is None else rules[i]
    )
    scopes = scope_choices()
    scope = right.selectbox("Scope", list(scopes), format_func=scopes.get)
    zone = ZoneInfo(filters.timezone)
    local_now = now.astimezone(zone)
    day = left.date_input("Starts on", local_now.date())
    at = right.time_input("at", local_now.time().replace(second=0, microsecond=0))
    hours = left.number_input("For (hours)", min_value=0.25, max_value=24.0 * 30, value=2.0)
    comment = right.text_input("Why", key="planned-silence-why")
    if st.button("Add silence"):
        starts = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if actions.silence_alerts(
            filters.community_id, rule_id, scope, starts, timedelta(hours=hours), comment
        ):
            st.rerun()


def scope_choices() -> dict:
    channels = resources.channels(filters.community_id)
    topics = resources.topics(filters.community_id)
    choices = {None: "every scope", "all": "everything"}
    choices |= {f"platform:{p}": f"platform {p}" for p in sorted(channels["platform"].unique())}
    choices |= {f"channel:{r.id}": f"channel {r.name}" for r in channels.itertuples()}
    choices |= {f"topic:{r.id}": f"topic {r.name}" for r in topics.itertuples()}
    return choices


def body() -> None:
    now = components.now()
    firing_now(now)
    start, end = filters.time_range.start, filters.time_range.end
    episodes = resources.alert_episodes(filters.community_id, start, end)
    if episodes.empty:
        st.info("No alert fired in the chosen period. Widen it in the sidebar.")
        silences(now)
        return
    shown = history(episodes)
    if shown.empty:
        return
    labels = {
        int(r.id): f"{r.rule_name} on {r.scope_label}, "
        f"{components.local_text(r.started_at, filters.timezone)}"
        for r in shown.itertuples()
    }
    chosen = st.selectbox("Episode", list(labels), format_func=labels.get)
    episode = next(r for r in shown.itertuples() if int(r.id) == chosen)
    episode_actions(episode, now)
    evidence(episode, now)
    silences(now)


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
