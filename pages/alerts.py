"""Alerts: what is firing now, the history with filters, and each alert's evidence; managers
and up acknowledge and silence from here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboard.charts import alerts as alert_charts
from dashboard.i18n import N_, _, alert_words, number, translator
from dashboard.web import actions, auth, components, resources
from dashboard.web.auth import Action
from dashboard.web.rule_editor import (
    METRIC_NAMES,
    SEVERITY_NAMES,
    baseline_note,
    deafness_note,
    uses_sentiment,
    value_text,
    worded,
)

EVIDENCE_BEFORE = timedelta(hours=6)
EVIDENCE_AFTER = timedelta(hours=2)
DRIVING_MESSAGES = 30
SILENCE_FOR = {N_("1 hour"): 1, N_("4 hours"): 4, N_("1 day"): 24, N_("1 week"): 24 * 7}

filters = components.current_filters()
st.header(_("Alerts"))
st.caption(
    _(
        "Episodes of the alert rules (tuned on the Thresholds page): one per incident, from "
        "the minute it fired to the minute it resolved. Pick one to see the metric around it, "
        "its threshold and the messages that drove it."
    )
)


def table(episodes: pd.DataFrame) -> pd.DataFrame:
    def local(column: str) -> pd.Series:
        return (
            pd.to_datetime(episodes[column], utc=True)
            .dt.tz_convert(filters.timezone)
            .dt.strftime("%Y-%m-%d %H:%M")
        )

    severities = worded(SEVERITY_NAMES)
    metrics = {rule.id: rule.metric for rule in resources.alert_rules(filters.community_id)}
    peaks = [
        value_text(metrics.get(rule_id), value)
        for rule_id, value in zip(episodes["rule_id"], episodes["peak_value"], strict=True)
    ]
    return pd.DataFrame(
        {
            _("severity"): episodes["severity"].map(lambda s: severities.get(s, s)),
            _("rule"): episodes["rule_name"].map(alert_words.rule_text),
            _("scope"): episodes["scope_label"].map(alert_words.scope_label),
            _("fired"): local("started_at"),
            _("resolved"): local("ended_at").fillna(_("firing")),
            _("peak"): peaks,
            _("acknowledged by"): episodes["acknowledged_by"].fillna(""),
            _("silenced"): episodes["silenced"],
        }
    )


def firing_now(now) -> None:
    firing = resources.alert_episodes(filters.community_id, now, now, True)
    st.subheader(_("Firing now: {count}").format(count=number(len(firing))))
    if firing.empty:
        st.success(_("Nothing is firing."))
    else:
        st.dataframe(table(firing), hide_index=True, width="stretch")


def history(episodes: pd.DataFrame) -> pd.DataFrame:
    st.subheader(_("History"))
    left, middle = st.columns(2)
    names = worded(SEVERITY_NAMES)
    severities = left.multiselect(
        _("Severity"),
        ["critical", "warning", "info"],
        format_func=names.get,
        placeholder=_("Every severity"),
    )
    rules = middle.multiselect(
        _("Rule"),
        sorted(episodes["rule_name"].unique()),
        format_func=alert_words.rule_text,
        placeholder=_("Every rule"),
    )
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
        st.info(_("The rule of this episode no longer exists."))
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
    st.caption(alert_words.rule_text(rule.runbook) or _("This rule has no runbook."))
    note = baseline_note(rule, filters.extent, bool(resources.series_keys(filters.community_id)))
    if note:
        st.caption(note)
    if scores.empty:
        st.info(_("The scope of this episode has no data any more."))
    else:
        metric = _(METRIC_NAMES[rule.metric])
        figure = alert_charts.evidence(
            scores, episode.started_at, min(end, shown_end), metric, filters.timezone
        )
        st.plotly_chart(figure, width="stretch")
        deaf = deafness_note(rule, scores["limit"])
        if deaf:
            st.caption(deaf)
    window_start = episode.onset_at - timedelta(minutes=rule.window_minutes)
    st.markdown("**" + _("Messages that drove it") + "**")
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
    acknowledge = pd.isna(episode.acknowledged_by) and left.button(_("Acknowledge"))
    if acknowledge and actions.acknowledge_alert(int(episode.id)):
        st.rerun()
    with right.popover(_("Silence")):
        duration = st.selectbox(_("For"), list(SILENCE_FOR), format_func=translator())
        whole_rule = st.checkbox(_("Every scope of this rule"), value=False)
        comment = st.text_input(_("Why"), placeholder=_("known incident, fix deploying"))
        if st.button(_("Silence notifications")) and actions.silence_alerts(
            filters.community_id,
            int(episode.rule_id),
            None if whole_rule else episode.scope_key,
            now,
            timedelta(hours=SILENCE_FOR[duration]),
            comment,
        ):
            st.success(_("Silenced for {duration}.").format(duration=_(duration)))


def silences(now) -> None:
    current = resources.alert_silences(filters.community_id, now)
    with st.expander(
        _("Silences ({count} in force or planned)").format(count=number(len(current)))
    ):
        for row in current.itertuples():
            since = components.local_text(row.starts_at, filters.timezone)
            until = components.local_text(row.ends_at, filters.timezone)
            scope = row.scope_key or _("every scope")
            st.text(
                _("{since} to {until}, {scope}, by {author}: {comment}").format(
                    since=since, until=until, scope=scope, author=row.author, comment=row.comment
                )
            )
        if auth.allowed(auth.current_account(), Action.SILENCE_ALERTS):
            new_silence(now)


def new_silence(now) -> None:
    """A planned silence, for maintenance: which rule and scope, from when, for how long."""
    st.markdown("**" + _("New silence") + "**")
    rules = {r.id: r.name for r in resources.alert_rules(filters.community_id)}
    left, right = st.columns(2)
    named = {None: _("every rule")} | rules
    rule_id = left.selectbox(_("Rule"), list(named), format_func=named.get)
    scopes = scope_choices()
    scope = right.selectbox(_("Scope"), list(scopes), format_func=scopes.get)
    zone = ZoneInfo(filters.timezone)
    local_now = now.astimezone(zone)
    day = left.date_input(_("Starts on"), local_now.date())
    at = right.time_input(_("at"), local_now.time().replace(second=0, microsecond=0))
    hours = left.number_input(_("For (hours)"), min_value=0.25, max_value=24.0 * 30, value=2.0)
    comment = right.text_input(_("Why"), key="planned-silence-why")
    if st.button(_("Add silence")):
        starts = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if actions.silence_alerts(
            filters.community_id, rule_id, scope, starts, timedelta(hours=hours), comment
        ):
            st.rerun()


def scope_choices() -> dict:
    channels = resources.channels(filters.community_id)
    topics = resources.topics(filters.community_id)
    choices = {None: _("every scope"), "all": _("everything")}
    choices |= {
        f"platform:{p}": _("platform {name}").format(name=p)
        for p in sorted(channels["platform"].unique())
    }
    choices |= {
        f"channel:{r.id}": _("channel {name}").format(name=r.name) for r in channels.itertuples()
    }
    choices |= {f"topic:{r.id}": _("topic {name}").format(name=r.name) for r in topics.itertuples()}
    return choices


def body() -> None:
    now = components.now()
    firing_now(now)
    start, end = filters.time_range.start, filters.time_range.end
    episodes = resources.alert_episodes(filters.community_id, start, end)
    if episodes.empty:
        st.info(_("No alert fired in the chosen period. Widen it in the sidebar."))
        if filters.extent is not None and filters.extent[1] < start:  # an archive, say
            newest = components.local_text(filters.extent[1], filters.timezone)
            st.caption(
                _(
                    "The newest message is from {newest}. Alerts judge messages as they "
                    "arrive (and, once, the {days} days before a rule first runs): what the "
                    "rules would have done on older data is on the Thresholds page, in its "
                    "backtest."
                ).format(newest=newest, days=resources.FIRST_LOOKBACK_DAYS)
            )
        silences(now)
        return
    shown = history(episodes)
    if shown.empty:
        return
    labels = {
        int(r.id): _("{rule} on {scope}, {when}").format(
            rule=alert_words.rule_text(r.rule_name),
            scope=alert_words.scope_label(r.scope_label),
            when=components.local_text(r.started_at, filters.timezone),
        )
        for r in shown.itertuples()
    }
    chosen = st.selectbox(_("Episode"), list(labels), format_func=labels.get)
    episode = next(r for r in shown.itertuples() if int(r.id) == chosen)
    episode_actions(episode, now)
    evidence(episode, now)
    silences(now)


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
