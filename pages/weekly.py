"""Weekly report: one ISO week's KPIs against the week before, with 12-week sparklines, the
health score, a written summary, breakdowns, a comparison of any two weeks, CSV and PDF."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboard import i18n
from dashboard.i18n import _, day, ngettext, number
from dashboard.web import components, resources
from dashboard.web.member_view import LEVEL_NAMES, STATE_NAMES, worded
from dashboard.web.weekly_view import (
    KPI_WORDS,
    WEEKS_OFFERED,
    Week,
    change_shown,
    critical_incidents,
    first_shown,
    format_value,
    health_words,
    kpi_definition,
    kpi_label,
    report_pdf,
    shown,
    week_choices,
    week_label,
)

PER_ROW = 4

filters = components.current_filters()
st.header(_("Weekly report"))
st.caption(
    _(
        "One ISO week (Monday to Sunday in your time zone, chosen in the sidebar) against "
        "the week before. Every figure's definition is under its ⓘ and in docs/kpis.md."
    )
)


def cards(report) -> None:
    for start in range(0, len(report.cards), PER_ROW):
        columns = st.columns(PER_ROW)
        for column, card in zip(columns, report.cards[start : start + PER_ROW], strict=False):
            delta = change_shown(card)
            column.metric(
                kpi_label(card),
                shown(card),
                delta=delta,
                delta_color="normal" if card.better == "up" else "inverse",
                help=kpi_definition(card),
                chart_data=sparkline(card.history),
                chart_type="line",
                border=True,
            )


def sparkline(history) -> list[float] | None:
    """The card's weeks to draw, from the first with a value (the weeks before a community
    began have none: no flat 0 before its first week), or None (no line at all) when none
    has a value: a reply rate no source could measure is no flat 0%."""
    began = next((n for n, v in enumerate(history) if v is not None), None)
    if began is None:
        return None
    return [v if v is not None else 0 for v in history[began:]]


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
    if report.health is None:
        left.metric(_("Health score"), "–")
        right.caption(_("No messages in this week or the weeks before it: nothing to score."))
        return
    left.metric(
        _("Health score"), f"{report.health} / 100", help=_("The sum of the parts on the right.")
    )
    words = [health_words(p) for p in report.health_parts]
    parts = pd.DataFrame(
        {
            _("part"): [name for name, _how in words],
            _("points"): [round(p.points, 1) for p in report.health_parts],
            _("how"): [how for _name, how in words],
        }
    )
    right.dataframe(parts, hide_index=True, width="stretch")
    right.caption(
        _(
            "A part with nothing to judge (nothing asked, nothing scored, no week before) "
            "gets Activity's share of its 25 points: all of them in a usual week, none in a "
            "silent one."
        )
    )


def top_topics(report) -> None:
    st.dataframe(
        report.topics.head(5)[["topic", "messages", "previous"]].rename(
            columns={"topic": _("topic"), "messages": _("messages"), "previous": _("week before")}
        ),
        hide_index=True,
        width="stretch",
    )


def topics_and_incidents(report) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(_("Top topics"))
        if report.topics.empty:  # a grid with nothing in it reads "empty", in English
            st.caption(_("No message of this week is in a topic."))
        else:
            top_topics(report)
        if report.rising is not None:
            st.caption(
                _("Rising fastest: {topic} (×{growth})").format(
                    topic=components.plain(report.rising[0]), growth=f"{report.rising[1]:.1f}"
                )
            )
    with right:
        st.subheader(_("Incidents"))
        counts = report.incidents["counts"]
        st.text(
            _(
                "critical {critical}, warning {warning}, info {info}; an alert was firing "
                "for {hours} h"
            ).format(**counts, hours=f"{report.incidents['firing_hours']:.1f}")
        )
        for name in critical_incidents(report):
            st.text(f"• {name}")


def kinds_and_questions(report) -> None:
    st.subheader(_("Kinds of message"))
    kinds = report.kinds.assign(kind=report.kinds["kind"].map(components.kind_label))
    st.dataframe(
        kinds.rename(
            columns={
                "kind": _("kind"),
                "messages": _("this week"),
                "previous": _("week before"),
                "change": _("change"),
            }
        ),
        hide_index=True,
        width="stretch",
        key="kinds",
    )
    left, right = st.columns(2)
    with left:
        st.subheader(_("Open questions"))
        st.caption(
            ngettext(
                "{count} question of the week that no one else has replied to (top-level "
                "messages read as questions, in sources that record replies: where none is "
                "ever a reply, no answer could be seen).",
                "{count} questions of the week that no one else has replied to (top-level "
                "messages read as questions, in sources that record replies: where none is "
                "ever a reply, no answer could be seen).",
                report.open_question_count,
            ).format(count=number(report.open_question_count))
        )
        components.listed_messages(report.open_questions, filters.timezone, "open_questions")
    with right:
        st.subheader(_("Top bug reports"))
        st.caption(_("The week's bug reports, those with most replies by others first."))
        components.listed_messages(
            report.bug_reports, filters.timezone, "bug_reports", extra=("replies",)
        )


def members_of_the_week(report) -> None:
    """The lifecycle of the week against the week before, and whom to thank or call."""
    st.subheader(_("Members this week"))
    if report.lifecycle.empty:
        st.caption(
            _(
                "Not counted yet: the worker counts each person's week every 15 minutes, in "
                "the configured time zone (see the Members page)."
            )
        )
        return
    states, levels = worded(STATE_NAMES), worded(LEVEL_NAMES)
    table = report.lifecycle.assign(state=report.lifecycle["state"].map(states))
    st.dataframe(
        table.rename(
            columns={"state": _("state"), "people": _("this week"), "previous": _("week before")}
        ),
        hide_index=True,
        width="stretch",
        key="lifecycle",
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**" + _("Newly at risk") + "**")
        at_risk = report.at_risk.assign(level=report.at_risk["level"].map(levels))
        st.dataframe(
            at_risk.rename(
                columns={"member": _("member"), "level": _("level"), "engagement": _("engagement")}
            ),
            hide_index=True,
            width="stretch",
            key="at_risk",
        )
    with right:
        st.markdown("**" + _("Top contributors") + "**")
        st.dataframe(
            report.contributors.rename(
                columns={
                    "member": _("member"),
                    "points": _("points"),
                    "messages": _("messages"),
                    "answers": _("answers"),
                }
            ),
            hide_index=True,
            width="stretch",
            key="contributors",
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
    if not st.toggle(_("Compare any two weeks")):
        return
    with st.container(border=True):
        left, right = st.columns(2)
        names = {week: week_label(week) for week in weeks}  # in the language of this run
        first = left.selectbox(
            _("Week"), weeks, index=min(1, len(weeks) - 1), format_func=names.get, key="cmp-a"
        )
        second = right.selectbox(_("with"), weeks, index=0, format_func=names.get, key="cmp-b")
        a, b = (
            resources.weekly_report(filters.community_id, filters.community, w, filters.timezone)
            for w in (first, second)
        )
        rows = [
            {
                "kpi": kpi_label(x),
                first.name: x.shown(),
                second.name: y.shown(),
                "change": _difference(x, y),
            }
            for x, y in zip(a.cards, b.cards, strict=True)
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def body() -> None:
    weeks = week_choices(components.now(), filters.timezone, filters.extent, WEEKS_OFFERED)
    names = {week: week_label(week) for week in weeks}  # in the language of this run
    opened = first_shown(weeks, filters.extent, components.now(), filters.timezone)
    week = st.selectbox(_("Week"), weeks, index=opened, format_func=names.get)
    if opened:
        st.caption(
            _("No messages after {day}: the report opens on the week of the newest.").format(
                day=day(filters.extent[1].astimezone(ZoneInfo(filters.timezone)).date())
            )
        )
    report = resources.weekly_report(
        filters.community_id, filters.community, week, filters.timezone
    )
    if report.figures[-1].messages == 0:
        st.info(_("No messages in this week. Pick another week above."))
    if components.in_chinese():
        st.markdown(f"**摘要。** {components.plain(report.summary_zh)}")
    else:
        st.markdown(f"**Summary.** {components.plain(report.summary)}")
    health(report)
    cards(report)
    topics_and_incidents(report)
    kinds_and_questions(report)
    members_of_the_week(report)
    st.subheader(_("By platform and by channel"))
    platforms, channels = st.tabs([_("Platforms"), _("Channels")])
    for tab, table in ((platforms, report.platforms), (channels, report.channels)):
        if table.empty:
            tab.caption(_("No messages in this week."))
        else:
            tab.dataframe(table, hide_index=True, width="stretch")
    compare(weeks)
    with st.expander(_("Definitions")):
        for name, definition in KPI_WORDS.values():
            st.markdown(f"**{_(name)}**: {components.plain(_(definition))}")
    csv, pdf = st.columns(2)
    name = f"{filters.community}-{week.name}"
    csv.download_button(
        _("KPI table (CSV)"), kpi_table(report).to_csv(index=False), f"{name}.csv", "text/csv"
    )
    language = i18n.current()  # the PDF is drawn when asked for, in this view's language
    pdf.download_button(
        _("Weekly report (PDF)"),
        lambda: report_pdf(report, language),
        f"{name}.pdf",
        "application/pdf",
    )


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
