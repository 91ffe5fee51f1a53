"""Weekly report: one ISO week's KPIs against the week before, with 12-week sparklines, the
health score, a written summary, breakdowns, a comparison of any two weeks, CSV and PDF."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.web import components, resources
from dashboard.web.weekly_view import (
    DEFINITIONS,
    Week,
    change_text,
    format_value,
    label,
    report_pdf,
    week_choices,
)

WEEKS_OFFERED = 52
PER_ROW = 4

filters = components.current_filters()
st.header("Weekly report")
st.caption(
    "One ISO week (Monday to Sunday in your time zone, chosen in the sidebar) against the "
    "week before. Every figure's definition is under its ⓘ and in docs/kpis.md."
)


def cards(report) -> None:
    for start in range(0, len(report.cards), PER_ROW):
        columns = st.columns(PER_ROW)
        for column, card in zip(columns, report.cards[start : start + PER_ROW], strict=False):
            delta = change_text(card)
            column.metric(
                card.label,
                card.shown(),
                delta=delta,
                delta_color="normal" if card.better == "up" else "inverse",
                help=card.definition,
                chart_data=[v if v is not None else 0 for v in card.history],
                chart_type="line",
                border=True,
            )


def kpi_table(report) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kpi": [c.label for c in report.cards],
            report.week.name: [c.value for c in report.cards],
            report.week.shifted(-1).name: [c.previous for c in report.cards],
            "change": [c.change for c in report.cards],
            "change %": [c.change_pct for c in report.cards],
            "definition": [c.definition for c in report.cards],
        }
    )


def health(report) -> None:
    left, right = st.columns([1, 3])
    left.metric("Health score", f"{report.health} / 100", help="The sum of the parts on the right.")
    parts = pd.DataFrame(
        {
            "part": [p.name for p in report.health_parts],
            "points": [round(p.points, 1) for p in report.health_parts],
            "how": [p.how for p in report.health_parts],
        }
    )
    right.dataframe(parts, hide_index=True, width="stretch")


def topics_and_incidents(report) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader("Top topics")
        st.dataframe(
            report.topics.head(5)[["topic", "messages", "previous"]],
            hide_index=True,
            width="stretch",
        )
        if report.rising is not None:
            st.caption(
                f"Rising fastest: {components.plain(report.rising[0])} (×{report.rising[1]:.1f})"
            )
    with right:
        st.subheader("Incidents")
        counts = report.incidents["counts"]
        st.text(
            f"critical {counts['critical']}, warning {counts['warning']}, info {counts['info']}; "
            f"an alert was firing for {report.incidents['firing_hours']:.1f} h"
        )
        for name in sorted(set(report.incidents["critical"])):
            st.text(f"• {name}")


def kinds_and_questions(report) -> None:
    st.subheader("Kinds of message")
    kinds = report.kinds.assign(kind=report.kinds["kind"].map(components.kind_label))
    st.dataframe(
        kinds.rename(columns={"messages": "this week", "previous": "week before"}),
        hide_index=True,
        width="stretch",
        key="kinds",
    )
    left, right = st.columns(2)
    with left:
        st.subheader("Open questions")
        st.caption(
            f"{report.open_question_count} question(s) of the week that no one else has "
            "replied to (top-level messages read as questions; where a platform keeps no "
            "reply links, every question shows here)."
        )
        components.listed_messages(report.open_questions, filters.timezone, "open_questions")
    with right:
        st.subheader("Top bug reports")
        st.caption("The week's bug reports, those with most replies by others first.")
        components.listed_messages(
            report.bug_reports, filters.timezone, "bug_reports", extra=("replies",)
        )


def _difference(before, after) -> str:
    if before.value is None or after.value is None:
        return "–"
    change = after.value - before.value
    if before.kind == "share":
        return f"{change * 100:+.1f} pts"
    shown = (
        f"{abs(change):.3f}"
        if before.kind == "sentiment"
        else format_value(abs(change), before.kind)
    )
    return ("+" if change > 0 else "-" if change < 0 else "") + shown


def compare(weeks: list[Week]) -> None:
    if not st.toggle("Compare any two weeks"):
        return
    with st.container(border=True):
        left, right = st.columns(2)
        first = left.selectbox(
            "Week", weeks, index=min(1, len(weeks) - 1), format_func=label, key="cmp-a"
        )
        second = right.selectbox("with", weeks, index=0, format_func=label, key="cmp-b")
        a, b = (
            resources.weekly_report(filters.community_id, filters.community, w, filters.timezone)
            for w in (first, second)
        )
        rows = [
            {
                "kpi": x.label,
                first.name: x.shown(),
                second.name: y.shown(),
                "change": _difference(x, y),
            }
            for x, y in zip(a.cards, b.cards, strict=True)
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def body() -> None:
    weeks = week_choices(components.now(), filters.timezone, filters.extent, WEEKS_OFFERED)
    week = st.selectbox("Week", weeks, format_func=label)
    report = resources.weekly_report(
        filters.community_id, filters.community, week, filters.timezone
    )
    if report.figures[-1].messages == 0:
        st.info("No messages in this week. Pick another week above.")
    if components.in_chinese():
        st.markdown(f"**摘要。** {components.plain(report.summary_zh)}")
    else:
        st.markdown(f"**Summary.** {components.plain(report.summary)}")
    health(report)
    cards(report)
    topics_and_incidents(report)
    kinds_and_questions(report)
    st.subheader("By platform and by channel")
    platforms, channels = st.tabs(["Platforms", "Channels"])
    platforms.dataframe(report.platforms, hide_index=True, width="stretch")
    channels.dataframe(report.channels, hide_index=True, width="stretch")
    compare(weeks)
    with st.expander("Definitions"):
        for label_, _, _, definition in DEFINITIONS.values():
            st.markdown(f"**{label_}**: {components.plain(definition)}")
    csv, pdf = st.columns(2)
    name = f"{filters.community}-{week.name}"
    csv.download_button(
        "KPI table (CSV)", kpi_table(report).to_csv(index=False), f"{name}.csv", "text/csv"
    )
    pdf.download_button(
        "Weekly report (PDF)", lambda: report_pdf(report), f"{name}.pdf", "application/pdf"
    )


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
