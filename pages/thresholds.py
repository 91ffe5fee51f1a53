"""Thresholds: list, create, edit and disable alert rules, with a backtest preview of the
edited rule beside the saved one before anything is saved."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.charts import alerts as alert_charts
from dashboard.web import actions, components, resources
from dashboard.web.rule_editor import (
    BLANK,
    CONDITIONS,
    DIRECTIONS,
    METRICS,
    SCOPES,
    SEVERITIES,
    Rule,
    RuleValidationError,
    backtest_totals,
    baseline_note,
    calibration_text,
    rule_from_fields,
)

NEW = "➕ New rule"
NUMBERS = {
    "threshold": "Threshold",
    "recovery_threshold": "Recovery threshold (blank: the threshold)",
    "window_minutes": "Window (minutes)",
    "for_minutes": "Pending period (minutes)",
    "keep_firing_minutes": "Keep firing (minutes)",
    "min_volume": "Minimum volume (messages)",
}
HELP = {
    "threshold": "What the score is compared with: a count or share for 'the value itself', "
    "a ratio (0.2 = a fifth of usual), a z-score (6 = six standard deviations), or band "
    "half-widths (1 = the forecast band's edge).",
    "recovery_threshold": "Hysteresis: a firing alert resolves only once the score is back "
    "past this, so a series hovering at the threshold does not flap.",
    "window_minutes": "The metric is computed over the messages of this many minutes.",
    "for_minutes": "The condition must hold this long before the alert fires.",
    "keep_firing_minutes": "After recovering, the alert keeps firing this long, in case the "
    "condition comes straight back.",
    "min_volume": "Windows with fewer messages than this are not judged (for 'below' rules: "
    "when fewer were expected).",
}

filters = components.current_filters()
st.header("Alert thresholds")
st.caption(
    "Each rule turns a metric into a score every minute and fires when the score crosses "
    "its threshold for the pending period. Change a rule and the preview below shows what "
    "it would have done on the last days of data, beside the saved version, before you save."
)


def scope_input(before: Rule, key: str, channels: pd.DataFrame, topics: pd.DataFrame):
    kinds = list(SCOPES)
    kind = st.selectbox(
        "Scope",
        kinds,
        index=kinds.index(before.scope.kind),
        format_func=SCOPES.get,
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
    if not options:
        return {"kind": kind, "value": None}
    values = list(options)
    index = values.index(before.scope.value) if before.scope.value in values else 0
    value = st.selectbox(
        f"Which {kind}", values, index=index, format_func=options.get, key=f"{key}-scope-value"
    )
    return {"kind": kind, "value": value}


def rule_inputs(before: Rule, key: str, channels, topics) -> tuple[dict, dict]:
    """The form; returns the typed fields and a placeholder under each for its error."""
    slots, fields = {}, {}
    left, right = st.columns(2)
    with left:
        fields["name"] = st.text_input("Name", before.name, key=f"{key}-name")
        slots["name"] = st.empty()
        fields["metric"] = st.selectbox(
            "Metric",
            list(METRICS),
            index=list(METRICS).index(before.metric),
            format_func=METRICS.get,
            key=f"{key}-metric",
        )
        slots["metric"] = st.empty()
        fields["scope"] = scope_input(before, key, channels, topics)
        slots["scope"] = st.empty()
    with right:
        fields["severity"] = st.selectbox(
            "Severity", SEVERITIES, index=SEVERITIES.index(before.severity), key=f"{key}-sev"
        )
        fields["condition"] = st.selectbox(
            "Condition",
            list(CONDITIONS),
            index=list(CONDITIONS).index(before.condition),
            format_func=CONDITIONS.get,
            key=f"{key}-condition",
        )
        slots["condition"] = st.empty()
        fields["direction"] = st.radio(
            "Fires when the score is",
            DIRECTIONS,
            index=DIRECTIONS.index(before.direction),
            horizontal=True,
            key=f"{key}-direction",
        )
        fields["enabled"] = st.toggle("Enabled", before.enabled, key=f"{key}-enabled")
        fields["pinned"] = st.toggle(
            "Pin the threshold",
            before.pinned,
            help="A shipped rule's threshold is recalibrated daily to the false-alarm budget "
            "(see below); a pinned one stays as set. Changing the threshold pins it.",
            key=f"{key}-pinned",
        )
    columns = st.columns(3)
    for index, (name, label) in enumerate(NUMBERS.items()):
        with columns[index % 3]:
            value = getattr(before, name)
            shown = "" if value is None else f"{value:g}"
            fields[name] = st.text_input(label, shown, help=HELP[name], key=f"{key}-{name}")
            slots[name] = st.empty()
    fields["runbook"] = st.text_area(
        "Runbook: what to do when it fires", before.runbook, key=f"{key}-runbook"
    )
    return fields, slots


def calibration_note(rule: Rule) -> None:
    note = calibration_text(rule, resources.settings().alert_budget_per_week)
    if note:
        st.caption(note)


def episodes_frame(results, timezone: str) -> pd.DataFrame:
    rows = [
        {
            "scope": r.label,
            "start": alert_charts.local_minutes(pd.Series([e.start]), timezone)[0],
            "end": alert_charts.local_minutes(pd.Series([e.end]), timezone)[0]
            if e.end is not None
            else pd.NaT,
            "minutes": (e.end - e.start) if e.end is not None else None,
            "peak": round(e.peak_value, 3),
        }
        for r in results
        for e in r.episodes
    ]
    return pd.DataFrame(rows, columns=["scope", "start", "end", "minutes", "peak"])


def preview(rule: Rule, before: Rule | None) -> None:
    period = resources.backtest_period(filters.community_id, resources.settings().backtest_days)
    if period is None:
        st.info(
            "No messages to preview the rule on: none yet, or the retention setting "
            "removed those of the period."
        )
        return
    start, end = period
    days = (end - start).days
    with st.spinner(f"Backtesting over the last {days} days with data…"):
        edited = resources.backtest(filters.community_id, rule, start, end)
        saved = None
        if before is not None:
            saved = resources.backtest(filters.community_id, before, start, end)
    st.subheader(f"Backtest: the last {days} days with data")
    st.caption(
        f"{components.local_text(start, filters.timezone)} to "
        f"{components.local_text(end, filters.timezone)}, replayed minute by minute."
    )
    note = baseline_note(rule, filters.extent, bool(resources.series_keys(filters.community_id)))
    if note:
        st.caption(note)
    totals(edited, saved, end)
    scope_chart(rule, edited, saved, end)
    st.dataframe(episodes_frame(edited, filters.timezone), hide_index=True, width="stretch")


def totals(edited, saved, end) -> None:
    """Episodes, hours firing and the longest episode of the edited rule, with the change
    from the saved one."""
    now_totals = backtest_totals(edited, end)
    was = backtest_totals(saved, end) if saved is not None else None
    episodes, hours, longest = st.columns(3)
    count = now_totals["episodes"]
    episodes.metric(
        "Episodes", count, delta=None if was is None else count - was["episodes"], delta_color="off"
    )
    for col, label, field in (
        (hours, "Hours firing", "firing_minutes"),
        (longest, "Longest (hours)", "longest_minutes"),
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
    edited_eps = episodes_frame([shown], filters.timezone).fillna(open_until)
    saved_eps = (
        None
        if before_shown is None
        else episodes_frame([before_shown], filters.timezone).fillna(open_until)
    )
    figure = alert_charts.rule_preview(
        shown.scores,
        edited_eps,
        None if before_shown is None else before_shown.scores,
        saved_eps,
        METRICS[rule.metric],
        rule.direction,
        filters.timezone,
    )
    st.plotly_chart(figure, width="stretch")


def pick_scope(results) -> str:
    if len(results) == 1:
        return results[0].key
    busiest = max(results, key=lambda r: len(r.episodes))
    labels = {r.key: f"{r.label} ({len(r.episodes)} episodes)" for r in results}
    keys = list(labels)
    return st.selectbox(
        "Scope shown on the chart", keys, index=keys.index(busiest.key), format_func=labels.get
    )


def history(rule_id: int) -> None:
    versions = resources.alert_rule_versions(rule_id)
    with st.expander(f"Version history ({len(versions)})"):
        for row in versions.itertuples():
            changed = sorted(
                k for k in row.new if row.old is None or row.old.get(k) != row.new.get(k)
            )
            when = components.local_text(row.at, filters.timezone)
            what = "created" if row.old is None else "changed " + ", ".join(changed)
            st.text(f"v{row.version} {when} by {row.actor}: {what}")


def show_problem(error: RuleValidationError, slots: dict, fields: dict) -> None:
    """The problem under its field (a prompt, for a new rule without a name yet)."""
    slot = slots.get(error.field, st)
    if error.field == "name" and not fields["name"].strip():
        slot.info("Name the rule to see its backtest preview and save it.")
    else:
        slot.error(components.plain(error.reason[:1].upper() + error.reason[1:]))


def body() -> None:
    cid = filters.community_id
    rules = resources.alert_rules(cid)
    if rules:  # a table, not a grid: every column whole, the rules' sentences wrapped
        st.table(
            pd.DataFrame(
                {
                    "rule": [r.name for r in rules],
                    "severity": [r.severity for r in rules],
                    "enabled": [r.enabled for r in rules],
                    "fires when": [r.describe() for r in rules],
                    "version": [r.version for r in rules],
                }
            ).set_index("rule")
        )
    # opens on the first rule, so its backtest preview shows at once
    choice = st.selectbox("Rule to edit", [*[r.name for r in rules], NEW])
    before = None if choice == NEW else next(r for r in rules if r.name == choice)
    channels = resources.channels(cid)
    topics = resources.topics(cid)
    fields, slots = rule_inputs(before or BLANK, f"rule-{choice}", channels, topics)
    try:
        rule = rule_from_fields(**fields)
    except RuleValidationError as error:
        show_problem(error, slots, fields)
        return
    rule = replace(rule, id=None if before is None else before.id)
    if before is not None and rule.threshold != before.threshold:
        rule = replace(rule, pinned=True)  # a threshold set by hand stays
    calibration_note(rule)
    if st.button("Save rule", type="primary"):
        try:
            done = actions.save_rule(cid, rule)
        except RuleValidationError as error:
            show_problem(error, slots, fields)
            return
        if not done:
            return
        saved = done.result
        st.success(f"Saved {components.plain(saved.name)} as version {saved.version}.")
        before = saved
    preview(rule, before)
    if before is not None and before.id is not None:
        history(before.id)


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
