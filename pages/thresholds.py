"""Thresholds: list, create, edit and disable alert rules, with a backtest preview of the
edited rule beside the saved one before anything is saved."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.charts import alerts as alert_charts
from dashboard.i18n import N_, _, alert_words, number
from dashboard.i18n.reasons import translated
from dashboard.web import actions, components, resources
from dashboard.web.rule_editor import (
    BLANK,
    CONDITION_NAMES,
    DIRECTION_NAMES,
    DIRECTIONS,
    METRIC_NAMES,
    SCOPE_NAMES,
    SEVERITIES,
    SEVERITY_NAMES,
    Rule,
    RuleValidationError,
    backtest_totals,
    baseline_note,
    calibration_text,
    episodes_frame,
    rule_from_fields,
    rule_sentence,
    worded,
)

NEW = "➕ New rule"  # the choice's value; shown as NEW_LABEL in the viewer's language
NEW_LABEL = N_("➕ New rule")
NUMBERS = {
    "threshold": N_("Threshold"),
    "recovery_threshold": N_("Recovery threshold (blank: the threshold)"),
    "window_minutes": N_("Window (minutes)"),
    "for_minutes": N_("Pending period (minutes)"),
    "keep_firing_minutes": N_("Keep firing (minutes)"),
    "min_volume": N_("Minimum volume (messages)"),
}
HELP = {
    "threshold": N_(
        "What the score is compared with: a count or share for 'the value itself', a ratio "
        "(0.2 = a fifth of usual), a z-score (6 = six standard deviations), or band "
        "half-widths (1 = the forecast band's edge)."
    ),
    "recovery_threshold": N_(
        "Hysteresis: a firing alert resolves only once the score is back past this, so a "
        "series hovering at the threshold does not flap."
    ),
    "window_minutes": N_("The metric is computed over the messages of this many minutes."),
    "for_minutes": N_("The condition must hold this long before the alert fires."),
    "keep_firing_minutes": N_(
        "After recovering, the alert keeps firing this long, in case the condition comes "
        "straight back."
    ),
    "min_volume": N_(
        "Windows with fewer messages than this are not judged (for 'below' rules: when "
        "fewer were expected)."
    ),
}

filters = components.current_filters()
st.header(_("Alert thresholds"))
st.caption(
    _(
        "Each rule turns a metric into a score every minute and fires when the score crosses "
        "its threshold for the pending period. Change a rule and the preview below shows what "
        "it would have done on the last days of data, beside the saved version, before you "
        "save."
    )
)


def scope_input(before: Rule, key: str, channels: pd.DataFrame, topics: pd.DataFrame, segments):
    """The scope's kind, and which one (platform, channel, topic, kind or segment)."""
    scopes = worded(SCOPE_NAMES)
    kinds = list(scopes)
    kind = st.selectbox(
        _("Scope"),
        kinds,
        index=kinds.index(before.scope.kind),
        format_func=scopes.get,
        key=f"{key}-scope",
    )
    options: dict = {}
    if kind == "platform":
        options = {p: p for p in sorted(channels["platform"].unique())}
    elif kind == "channel":
        options = {int(r.id): f"{r.name} ({r.platform})" for r in channels.itertuples()}
    elif kind == "topic":
        options = {int(r.id): r.name for r in topics.itertuples()}
    elif kind == "kind":
        options = {k: components.kind_label(k) for k in components.KIND_LABELS}
    elif kind == "segment":
        options = {name: name for name in segments}
        if not options:
            st.caption(_("No segment is saved yet: save one on the Segments page."))
    if not options:
        return {"kind": kind, "value": None}
    values = list(options)
    index = values.index(before.scope.value) if before.scope.value in values else 0
    which = {
        "platform": _("Which platform"),
        "channel": _("Which channel"),
        "topic": _("Which topic"),
        "kind": _("Which kind"),
        "segment": _("Which segment"),
    }
    value = st.selectbox(
        which[kind], values, index=index, format_func=options.get, key=f"{key}-scope-value"
    )
    return {"kind": kind, "value": value}


def rule_inputs(before: Rule, key: str, channels, topics, segments) -> tuple[dict, dict]:
    """The form; returns the typed fields and a placeholder under each for its error."""
    slots, fields = {}, {}
    left, right = st.columns(2)
    with left:
        fields["name"] = st.text_input(_("Name"), before.name, key=f"{key}-name")
        shipped_words_note(before.name)
        slots["name"] = st.empty()
        metrics = worded(METRIC_NAMES)
        fields["metric"] = st.selectbox(
            _("Metric"),
            list(metrics),
            index=list(metrics).index(before.metric),
            format_func=metrics.get,
            key=f"{key}-metric",
        )
        slots["metric"] = st.empty()
        fields["scope"] = scope_input(before, key, channels, topics, segments)
        slots["scope"] = st.empty()
    with right:
        severities, conditions = worded(SEVERITY_NAMES), worded(CONDITION_NAMES)
        fields["severity"] = st.selectbox(
            _("Severity"),
            SEVERITIES,
            index=SEVERITIES.index(before.severity),
            format_func=severities.get,
            key=f"{key}-sev",
        )
        fields["condition"] = st.selectbox(
            _("Condition"),
            list(conditions),
            index=list(conditions).index(before.condition),
            format_func=conditions.get,
            key=f"{key}-condition",
        )
        slots["condition"] = st.empty()
        directions = worded(DIRECTION_NAMES)
        fields["direction"] = st.radio(
            _("Fires when the score is"),
            DIRECTIONS,
            index=DIRECTIONS.index(before.direction),
            format_func=directions.get,
            horizontal=True,
            key=f"{key}-direction",
        )
        fields["enabled"] = st.toggle(_("Enabled"), before.enabled, key=f"{key}-enabled")
        fields["pinned"] = st.toggle(
            _("Pin the threshold"),
            before.pinned,
            help=_(
                "A shipped rule's threshold is recalibrated daily to the false-alarm budget "
                "(see below); a pinned one stays as set. Changing the threshold pins it."
            ),
            key=f"{key}-pinned",
        )
    columns = st.columns(3)
    for index, (name, label) in enumerate(NUMBERS.items()):
        with columns[index % 3]:
            value = getattr(before, name)
            shown = "" if value is None else f"{value:g}"
            fields[name] = st.text_input(_(label), shown, help=_(HELP[name]), key=f"{key}-{name}")
            slots[name] = st.empty()
    fields["runbook"] = st.text_area(
        _("Runbook: what to do when it fires"), before.runbook, key=f"{key}-runbook"
    )
    shipped_words_note(before.runbook)
    return fields, slots


def shipped_words_note(text: str) -> None:
    """Under a shipped rule's name or runbook, read in another language: how it is shown,
    and why the field holds English (calibration and upgrades know a shipped rule by it)."""
    shown = alert_words.rule_text(text)
    if shown != text:
        st.caption(
            _(
                "Shown as “{shown}”; kept in English, by which updates know the shipped rule."
            ).format(shown=shown)
        )


def calibration_note(rule: Rule) -> None:
    note = calibration_text(rule, resources.settings().alert_budget_per_week)
    if note:
        st.caption(note)


def episodes_table(frame: pd.DataFrame) -> pd.DataFrame:
    """An episodes_frame as the Alerts page writes episodes: times as "2026-03-02 14:05"
    in the viewer's time zone (an episode still open "firing"), columns named in the
    viewer's language."""
    shown = "%Y-%m-%d %H:%M"
    frame = frame.assign(
        start=pd.to_datetime(frame["start"]).dt.strftime(shown),
        end=pd.to_datetime(frame["end"]).dt.strftime(shown).fillna(_("firing")),
    )
    names = {"scope": _("scope"), "start": _("start"), "end": _("end")}
    names |= {"minutes": _("minutes"), "peak": _("peak")}
    return frame.rename(columns=names)


def preview(rule: Rule, before: Rule | None) -> None:
    period = resources.backtest_period(filters.community_id, resources.settings().backtest_days)
    if period is None:
        st.info(
            _(
                "No messages to preview the rule on: none yet, or the retention setting "
                "removed those of the period."
            )
        )
        return
    start, end = period
    days = (end - start).days
    with st.spinner(_("Backtesting over the last {days} days with data…").format(days=days)):
        edited = resources.backtest(filters.community_id, rule, start, end)
        saved = None
        if before is not None:
            saved = resources.backtest(filters.community_id, before, start, end)
    st.subheader(_("Backtest: the last {days} days with data").format(days=days))
    st.caption(
        _("{start} to {end}, replayed minute by minute.").format(
            start=components.local_text(start, filters.timezone),
            end=components.local_text(end, filters.timezone),
        )
    )
    note = baseline_note(rule, filters.extent, bool(resources.series_keys(filters.community_id)))
    if note:
        st.caption(note)
    totals(edited, saved, end)
    scope_chart(rule, edited, saved, end)
    st.dataframe(
        episodes_table(episodes_frame(edited, filters.timezone, end)),
        hide_index=True,
        width="stretch",
    )


def totals(edited, saved, end) -> None:
    """Episodes, hours firing and the longest episode of the edited rule, with the change
    from the saved one."""
    now_totals = backtest_totals(edited, end)
    was = backtest_totals(saved, end) if saved is not None else None
    episodes, hours, longest = st.columns(3)
    count = now_totals["episodes"]
    episodes.metric(
        _("Episodes"),
        count,
        delta=None if was is None else count - was["episodes"],
        delta_color="off",
    )
    for col, label, field in (
        (hours, _("Hours firing"), "firing_minutes"),
        (longest, _("Longest (hours)"), "longest_minutes"),
    ):
        value = round(now_totals[field] / 60, 1)
        delta = None if was is None else round(value - was[field] / 60, 1)
        col.metric(label, value, delta=delta, delta_color="off")


def scope_chart(rule: Rule, edited, saved, end) -> None:
    """One scope's score with the edited and the saved rule's episodes over it."""
    scope = pick_scope(edited)
    shown = next(r for r in edited if r.key == scope)
    before_shown = None if saved is None else next((r for r in saved if r.key == scope), None)
    open_until = {"end": pd.Timestamp(end).tz_convert(filters.timezone)}
    edited_eps = episodes_frame([shown], filters.timezone, end).fillna(open_until)
    saved_eps = (
        None
        if before_shown is None
        else episodes_frame([before_shown], filters.timezone, end).fillna(open_until)
    )
    figure = alert_charts.rule_preview(
        shown.scores,
        edited_eps,
        None if before_shown is None else before_shown.scores,
        saved_eps,
        _(METRIC_NAMES[rule.metric]),
        rule.direction,
        filters.timezone,
    )
    st.plotly_chart(figure, width="stretch")


def pick_scope(results) -> str:
    if len(results) == 1:
        return results[0].key
    busiest = max(results, key=lambda r: len(r.episodes))
    labels = {
        r.key: _("{scope} ({count} episodes)").format(scope=r.label, count=len(r.episodes))
        for r in results
    }
    keys = list(labels)
    return st.selectbox(
        _("Scope shown on the chart"), keys, index=keys.index(busiest.key), format_func=labels.get
    )


def history(rule_id: int) -> None:
    versions = resources.alert_rule_versions(rule_id)
    with st.expander(_("Version history ({count})").format(count=number(len(versions)))):
        for row in versions.itertuples():
            changed = sorted(
                k for k in row.new if row.old is None or row.old.get(k) != row.new.get(k)
            )
            when = components.local_text(row.at, filters.timezone)
            what = (
                _("created")
                if row.old is None
                else _("changed {fields}").format(fields=", ".join(changed))
            )
            st.text(
                _("v{version} {when} by {actor}: {what}").format(
                    version=row.version, when=when, actor=row.actor, what=what
                )
            )


def show_problem(error: RuleValidationError, slots: dict, fields: dict) -> None:
    """The problem under its field (a prompt, for a new rule without a name yet)."""
    slot = slots.get(error.field, st)
    if error.field == "name" and not fields["name"].strip():
        slot.info(_("Name the rule to see its backtest preview and save it."))
    else:
        reason = translated(error.reason)
        slot.error(components.plain(reason[:1].upper() + reason[1:]))


def body() -> None:
    cid = filters.community_id
    rules = resources.alert_rules(cid)
    if rules:  # a table, not a grid: every column whole, the rules' sentences wrapped
        severities = worded(SEVERITY_NAMES)
        st.table(
            pd.DataFrame(
                {
                    _("rule"): [alert_words.rule_text(r.name) for r in rules],
                    _("severity"): [severities[r.severity] for r in rules],
                    _("enabled"): [_("yes") if r.enabled else _("no") for r in rules],
                    _("fires when"): [rule_sentence(r) for r in rules],
                    _("version"): [r.version for r in rules],
                }
            ).set_index(_("rule"))
        )
    # opens on the first rule, so its backtest preview shows at once
    new_label = _(NEW_LABEL)
    choice = st.selectbox(
        _("Rule to edit"),
        [*[r.name for r in rules], NEW],
        format_func=lambda name: new_label if name == NEW else alert_words.rule_text(name),
    )
    before = None if choice == NEW else next(r for r in rules if r.name == choice)
    channels = resources.channels(cid)
    topics = resources.topics(cid)
    segments = list(resources.saved_segments(cid))
    fields, slots = rule_inputs(before or BLANK, f"rule-{choice}", channels, topics, segments)
    try:
        rule = rule_from_fields(**fields)
    except RuleValidationError as error:
        show_problem(error, slots, fields)
        return
    rule = replace(rule, id=None if before is None else before.id)
    if before is not None and rule.threshold != before.threshold:
        rule = replace(rule, pinned=True)  # a threshold set by hand stays
    calibration_note(rule)
    if st.button(_("Save rule"), type="primary"):
        try:
            done = actions.save_rule(cid, rule)
        except RuleValidationError as error:
            show_problem(error, slots, fields)
            return
        if not done:
            return
        saved = done.result
        st.success(
            _("Saved {name} as version {version}.").format(
                name=components.plain(saved.name), version=saved.version
            )
        )
        before = saved
    preview(rule, before)
    if before is not None and before.id is not None:
        history(before.id)


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
