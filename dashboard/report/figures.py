"""The weekly report of one community: read the weeks, compute the KPIs, write the summary.
Shared by the Weekly page, `ecg report` and the weekly e-mail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection

from analysis import lifecycle
from analysis.kpi_cards import (
    HealthComponent,
    Kpi,
    health_score,
    kpi_cards,
    summary,
    summary_zh,
)
from analysis.kpis import (
    WeekFigures,
    incidents,
    kind_counts,
    member_figures,
    open_questions,
    response_figures,
    top_bug_reports,
    week_figures,
)
from analysis.series import rising_topics
from analysis.weeks import Week, boundaries, last_complete_week
from dashboard.report.words import critical_in_chinese
from data_access import alert_store, figure_cache, kpi_queries, member_weeks, members, queries

WEEKS_READ = 13  # the 12 weeks of the sparklines, and the one before for returning members
OPEN_QUESTIONS_SHOWN = 10
BUG_REPORTS_SHOWN = 5
EMPTY_COUNTS = {
    "active": 0,
    "returning": None,
    "churned": None,
    "threads": 0,
    "asked": 0,
    "answered": 0,
    "median_response_minutes": None,
}


@dataclass(frozen=True)
class WeeklyReport:
    community: str
    week: Week
    timezone: str
    start: datetime
    end: datetime
    figures: list[WeekFigures]  # oldest first; the last is the report's week
    cards: list[Kpi]
    health: int | None  # None: no message in the weeks it reads (see health_score)
    health_parts: list[HealthComponent]
    incidents: dict
    topics: pd.DataFrame  # topic, messages, previous, growth: this week's, busiest first
    rising: tuple[str, float] | None  # the fastest-rising topic and its growth
    channels: pd.DataFrame  # platform, channel, messages, active members, sentiment
    platforms: pd.DataFrame
    summary: str
    summary_zh: str  # the same sentences written in Chinese
    kinds: pd.DataFrame  # kind, messages, previous, change (analysis.kpis.kind_counts)
    open_questions: pd.DataFrame  # sent_at, channel, author, text; newest first
    open_question_count: int
    bug_reports: pd.DataFrame  # sent_at, channel, author, text, replies; most replies first
    # the members' lifecycle, as the worker stored it (empty until it has counted the week)
    lifecycle: pd.DataFrame = field(default_factory=pd.DataFrame)  # state, people, previous
    at_risk: pd.DataFrame = field(default_factory=pd.DataFrame)  # member, level, engagement
    contributors: pd.DataFrame = field(default_factory=pd.DataFrame)  # member, points, ...

    def card(self, key: str) -> Kpi:
        return next(c for c in self.cards if c.key == key)


def weekly_report(
    conn: Connection,
    community_id: int,
    community: str,
    week: Week,
    timezone: str,
) -> WeeklyReport:
    """The report of `week`; member and response figures come from the worker's stored
    ones where still valid, the rest is counted now."""
    edges = boundaries(week, WEEKS_READ, timezone)
    channel_weeks = kpi_queries.channel_weeks(conn, community_id, edges)
    counted = counted_figures(conn, community_id, week, timezone, edges, channel_weeks)
    figures = week_figures(
        WEEKS_READ,
        counted,
        kpi_queries.new_members(conn, community_id, edges),
        channel_weeks,
        kpi_queries.left_members(conn, community_id, edges),
    )[1:]
    start, end = edges[-2], edges[-1]
    episodes = alert_store.episodes(conn, community_id, start, end)
    happened = incidents(episodes, start, end)
    score, parts = health_score(figures, happened["counts"])
    topics, rising = _topics(conn, community_id, edges)
    cards = kpi_cards(figures)
    top = (topics.iloc[0]["topic"], int(topics.iloc[0]["messages"])) if not topics.empty else None
    channels, platforms = _breakdown(conn, community_id, channel_weeks, start, end)
    unanswered, bug_reports = _questions_and_bugs(conn, community_id, start, end)
    return WeeklyReport(
        community=community,
        week=week,
        timezone=timezone,
        start=start,
        end=end,
        figures=figures,
        cards=cards,
        health=score,
        health_parts=parts,
        incidents=happened,
        topics=topics,
        rising=rising,
        channels=channels,
        platforms=platforms,
        summary=summary(cards, happened, top),
        summary_zh=summary_zh(cards, happened, top, critical_in_chinese(happened)),
        kinds=kind_counts(channel_weeks, WEEKS_READ - 1),
        open_questions=unanswered.head(OPEN_QUESTIONS_SHOWN),
        open_question_count=len(unanswered),
        bug_reports=bug_reports,
        **_members_of_the_week(conn, community_id, week, timezone),
    )


CONTRIBUTORS_SHOWN = 5


def _members_of_the_week(conn, community_id: int, week: Week, timezone: str) -> dict:
    """The lifecycle counts of the week against the week before, the vital or champion
    members newly at risk, and the week's top contributors (by engagement points), from
    the stored member weeks (data_access.member_weeks); empty frames before the worker
    counted the week."""
    rows = member_weeks.load(conn, community_id, timezone, [week.shifted(-1).name, week.name])
    now, before = rows[rows["week"] == week.name], rows[rows["week"] != week.name]
    if now.empty:
        return {}
    states = list(lifecycle.STATES)
    counts = pd.DataFrame(
        {
            "state": states,
            "people": [int((now["state"] == s).sum()) for s in states],
            "previous": [int((before["state"] == s).sum()) for s in states],
        }
    )
    was = before.set_index("person")["state"]
    newly = now[(now["state"] == "at risk") & (now["person"].map(was) != "at risk")]
    newly = newly.sort_values("engagement", ascending=False)
    active = now[now["active"].astype(bool)]
    top = active.assign(points=lifecycle.week_points(active)).nlargest(CONTRIBUTORS_SHOWN, "points")
    names = member_weeks.person_names(conn, [*newly["person"], *top["person"]])
    return {
        "lifecycle": counts,
        "at_risk": pd.DataFrame(
            {
                "member": newly["person"].map(names).to_numpy(),
                "level": newly["level"].to_numpy(),
                "engagement": newly["engagement"].round(1).to_numpy(),
            }
        ),
        "contributors": pd.DataFrame(
            {
                "member": top["person"].map(names).to_numpy(),
                "points": top["points"].round(1).to_numpy(),
                "messages": top["messages"].to_numpy(),
                "answers": top["answers"].to_numpy(),
            }
        ),
    }


def _questions_and_bugs(conn, community_id, start, end) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the week's questions no one else replied to, its top bug reports). A question in a
    source that records no replies is never called open: no answer could be seen."""
    replies = kpi_queries.replies(conn, community_id, [start, end])
    replying = kpi_queries.replying_sources(conn, community_id)
    asked = kpi_queries.messages_of_kind(conn, community_id, "question", start, end, replying)
    reports = kpi_queries.messages_of_kind(conn, community_id, "bug_report", start, end)
    return open_questions(asked, replies), top_bug_reports(reports, replies, BUG_REPORTS_SHOWN)


def _messages_per_week(channel_weeks: pd.DataFrame) -> list[int]:
    sums = channel_weeks.groupby("week")["messages"].sum()
    return [int(sums.get(i, 0)) for i in range(WEEKS_READ)]


def counted_figures(conn, community_id, week, timezone, edges, channel_weeks) -> dict:
    """Member and response figures of weeks 1.. of the read (week 0 only serves as 'the
    week before'): stored ones where valid, the others counted from the messages."""
    names = [week.shifted(i - WEEKS_READ + 1).name for i in range(WEEKS_READ)]
    counts = _messages_per_week(channel_weeks)
    stored = figure_cache.load(conn, community_id, timezone, names[1:])
    counted, missing = {0: dict(EMPTY_COUNTS)}, []
    for i in range(1, WEEKS_READ):
        row = stored.get(names[i])
        if row and _still_valid(row, counts[i], counts[i - 1], edges[i + 1]):
            counted[i] = row["figures"]
        else:
            missing.append(i)
    if missing:
        counted |= count_weeks(conn, community_id, edges, missing)
    return counted


def _still_valid(row: dict, messages: int, before: int, week_end: datetime) -> bool:
    answered_by = week_end + kpi_queries.ANSWER_GRACE  # replies count this long after
    return (
        row["messages"] == messages
        and row["messages_before"] == before
        and row["computed_at"] >= answered_by
    )


def count_weeks(conn, community_id: int, edges, indexes: list[int]) -> dict[int, dict]:
    """Member and response figures of the weeks `indexes` (of `edges`), from the messages."""
    low, high = min(indexes), max(indexes)
    first = max(low - 1, 0)
    member_rows = member_figures(
        kpi_queries.member_weeks(conn, community_id, edges[first : high + 2]), high + 1 - first
    )
    span = edges[low : high + 2]
    without_staff = members.excludes_staff(conn, community_id)
    responses = response_figures(
        kpi_queries.replies(conn, community_id, span, without_staff),
        kpi_queries.questions(conn, community_id, span, without_staff),
        high + 1 - low,
    )
    return {i: {**member_rows[i - first], **responses[i - low]} for i in indexes}


def refresh_stored_figures(engine, community_id: int, timezone: str, now: datetime) -> int:
    """Count and store the figures of the complete weeks whose stored ones are missing or
    stale (the worker's job); returns how many weeks were counted."""
    newest = last_complete_week(now, timezone)
    edges = boundaries(newest, WEEKS_READ, timezone)
    with engine.connect() as conn:
        channel_weeks = kpi_queries.channel_weeks(conn, community_id, edges)
        counts = _messages_per_week(channel_weeks)
        names = [newest.shifted(i - WEEKS_READ + 1).name for i in range(WEEKS_READ)]
        stored = figure_cache.load(conn, community_id, timezone, names)
        stale = [
            i
            for i in range(1, WEEKS_READ)
            if not (
                stored.get(names[i])
                and _still_valid(stored[names[i]], counts[i], counts[i - 1], edges[i + 1])
            )
        ]
        stale = [i for i in stale if now >= edges[i + 1] + kpi_queries.ANSWER_GRACE]
        counted = count_weeks(conn, community_id, edges, stale) if stale else {}
    rows = [
        {
            "week": names[i],
            "messages": counts[i],
            "messages_before": counts[i - 1],
            "figures": counted[i],
        }
        for i in stale
    ]
    with engine.begin() as conn:
        figure_cache.store(conn, community_id, timezone, rows, now)
    return len(rows)


def _topics(conn, community_id: int, edges) -> tuple[pd.DataFrame, tuple[str, float] | None]:
    weekly = kpi_queries.topic_weeks(conn, community_id, edges[-3:])
    names = dict(zip(*[queries.topics(conn, community_id)[c] for c in ("id", "name")], strict=True))
    now, before = weekly[weekly["week"] == 1], weekly[weekly["week"] == 0]
    ranked = rising_topics(now, before, names)
    if ranked.empty:
        return ranked, None
    busiest = ranked.sort_values(["messages", "topic"], ascending=[False, True], ignore_index=True)
    busiest = busiest[busiest["messages"] > 0]
    lively = ranked[ranked["messages"] >= 10]  # a topic going from 1 to 4 messages is noise
    rising = None if lively.empty else (lively.iloc[0]["topic"], float(lively.iloc[0]["growth"]))
    return busiest, rising


def _breakdown(conn, community_id, channel_weeks, start, end):
    """This week per channel and per platform: messages, active members, sentiment."""
    places = kpi_queries.channel_platforms(conn, community_id)
    sums = channel_weeks[channel_weeks["week"] == WEEKS_READ - 1].merge(places, on="channel_id")
    writers = kpi_queries.channel_members(conn, community_id, start, end).merge(
        places, on="channel_id"
    )

    def table(by: list[str]) -> pd.DataFrame:
        frame = sums.groupby(by, as_index=False)[
            ["messages", "sentiment_sum", "sentiment_count", "negative_count"]
        ].sum()
        active = writers.groupby(by)["member_id"].nunique().rename("active members")
        frame = frame.merge(active.reset_index(), on=by, how="left").fillna({"active members": 0})
        scored = frame["sentiment_count"].where(frame["sentiment_count"] > 0)
        frame["average sentiment"] = (frame["sentiment_sum"] / scored).round(3)
        frame["negative share"] = (frame["negative_count"] / scored).round(3)
        frame["active members"] = frame["active members"].astype(int)
        columns = [*by, "messages", "active members", "average sentiment", "negative share"]
        return frame[columns].sort_values("messages", ascending=False, ignore_index=True)

    return table(["platform", "channel"]), table(["platform"])
