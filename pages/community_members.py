"""Members: who is in which state of their life in the community, week by week; how
people moved between states; how each cohort of newcomers stayed; whom to reach out to."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import members as member_charts
from dashboard.i18n import _, listed, ngettext, number, percent
from dashboard.web import account_reads, components, resources
from dashboard.web.member_view import (
    LEVEL_NAMES,
    LEVELS,
    PROFILE,
    STATE_NAMES,
    cohorts,
    counts_over_time,
    flows_into,
    level_counts,
    people_list,
    worded,
)

REACH = ("at risk", "rising", "new")  # the lists of people of the chosen week
filters = components.current_filters()
st.header(_("Members"))
st.caption(
    _(
        "Each person (merged accounts count once, bots left out) has a state each ISO week: "
        "new (first week), active (wrote or reacted this week or the last), vital (also "
        "replied to or was answered by at least 2 people, 3 times, in 3 of the last 4 "
        "weeks; in a group chat export without replies, a message within 5 minutes of "
        "another person's answers them), returning (back after 2 quiet weeks or more), at "
        "risk (a regular or a champion, quiet for 2 weeks), churned (quiet for 2 weeks, 4 "
        "if at risk). The worker counts complete weeks every 15 minutes. Definitions: "
        "docs/kpis.md."
    )
)


def people_table(people) -> None:
    """Members with a link to each one's profile."""
    link = st.column_config.LinkColumn(_("profile"), display_text=_("open"), width="small")
    member = st.column_config.TextColumn(_("member"), width="medium")  # long names: the
    # engagement column beside them was cut at half the page's width
    st.dataframe(
        people,
        hide_index=True,
        width="stretch",
        column_config={PROFILE: link, _("member"): member},
    )


def body() -> None:
    cid = filters.community_id
    as_of = components.now().replace(minute=0, second=0, microsecond=0)
    zone = resources.settings().timezone  # the worker counts weeks in the configured zone
    overview = resources.members_overview(cid, zone, as_of)
    weeks = overview.weeks
    if overview.counts.empty:
        st.info(
            _(
                "No member weeks yet: the worker counts each complete week (Monday to Sunday) "
                "every 15 minutes; `ecg run` starts it."
            )
        )
        return
    states = worded(STATE_NAMES)
    st.subheader(_("People in each state, week by week"))
    st.caption(_("ISO weeks, Monday to Sunday in {zone}.").format(zone=zone))
    figure = member_charts.states_over_time(counts_over_time(overview.counts, weeks), states)
    st.plotly_chart(figure, width="stretch")

    shown = sorted((int(w) for w in overview.counts["week"].unique()), reverse=True)
    week = st.selectbox(_("Week"), shown, format_func=lambda w: weeks[w], key="members_week")
    st.subheader(_("From the week before to {week}").format(week=weeks[week]))
    moved = flows_into(overview.flows, week)
    st.plotly_chart(member_charts.flows_sankey(moved, states), width="stretch")

    lists = {which: resources.people_to_reach(cid, zone, weeks[week], which) for which in REACH}
    reached = {int(p) for which in ("at risk", "rising") for p in lists[which]["person"]}
    names = account_reads.account_names(cid, tuple(sorted(reached)))
    left, right = st.columns(2)
    with left:
        st.subheader(_("Newly at risk"))
        st.caption(_("Regulars and champions quiet for two weeks: reach out to them first."))
        people_table(people_list(lists["at risk"], names))
    with right:
        st.subheader(_("Rising members"))
        st.caption(_("Whose engagement grew most over the last four weeks."))
        people_table(people_list(lists["rising"], names))

    st.subheader(_("Newcomers whose first question had no answer"))
    st.caption(
        _(
            "Their first question of the week (a top-level message read as a question) that "
            "no one else has answered: a newcomer left unanswered seldom comes back."
        )
    )
    chosen = lists["new"]
    newcomers = frozenset(int(person) for person in chosen["person"])
    unanswered = resources.unanswered_newcomers(cid, weeks[week], zone, newcomers)
    components.listed_messages(unanswered, filters.timezone, "unanswered_newcomers")

    st.subheader(_("Cohorts: newcomers still active after 1, 2, 4, 8 and 12 weeks"))
    table = cohorts(overview.cohorts, weeks)
    shares = {c: int(c.split()[1]) for c in table.columns if c.startswith("after")}
    table = table.rename(
        columns={"cohort": _("first week"), "people": _("people")}
        | {
            c: ngettext("after {weeks} week", "after {weeks} weeks", n).format(weeks=n)
            for c, n in shares.items()
        }
    )
    for column in table.columns[2:]:  # as text: a table draws a missing number as "None"
        table[column] = [("–" if pd.isna(v) else percent(v)) for v in table[column]]
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(
        _("The share of each first week's newcomers active that many weeks later; – : not yet.")
    )

    levels = worded(LEVEL_NAMES)
    at_level = level_counts(overview.levels, week)
    st.caption(
        _("Levels (engagement: recency-weighted activity, docs/kpis.md): {levels}.").format(
            levels=listed(
                [f"{levels[name]} ≥ {least:g} ({number(at_level[name])})" for name, least in LEVELS]
            )
        )
    )


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
