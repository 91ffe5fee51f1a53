"""The weekly report of one community: read the weeks, compute the KPIs, write the summary.
Shared by the Weekly page, `ecg report` and the weekly e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection

from analysis.kpi_cards import HealthComponent, Kpi, health_score, kpi_cards, summary
from analysis.kpis import WeekFigures, incidents, week_figures
from analysis.series import rising_topics
from analysis.weeks import Week, boundaries
from data_access import alert_store, kpi_queries, queries

WEEKS_READ = 13  # the 12 weeks of the sparklines, and the one before for returning members


@dataclass(frozen=True)
class WeeklyReport:
    community: str
    week: Week
    timezone: str
    start: datetime
    end: datetime
    figures: list[WeekFigures]  # oldest first; the last is the report's week
    cards: list[Kpi]
    health: int
    health_parts: list[HealthComponent]
    incidents: dict
    topics: pd.DataFrame  # topic, messages, previous, growth: this week's, busiest first
    rising: tuple[str, float] | None  # the fastest-rising topic and its growth
    channels: pd.DataFrame  # platform, channel, messages, active members, sentiment
    platforms: pd.DataFrame
    summary: str

    def card(self, key: str) -> Kpi:
        return next(c for c in self.cards if c.key == key)


def weekly_report(
    conn: Connection, community_id: int, community: str, week: Week, timezone: str
) -> WeeklyReport:
    edges = boundaries(week, WEEKS_READ, timezone)
    last = WEEKS_READ - 1
    member_weeks = kpi_queries.member_weeks(conn, community_id, edges)
    channel_weeks = kpi_queries.channel_weeks(conn, community_id, edges)
    figures = week_figures(
        WEEKS_READ,
        member_weeks.drop_duplicates(["week", "member_id"]),
        kpi_queries.new_members(conn, community_id, edges),
        channel_weeks,
        kpi_queries.questions(conn, community_id, edges),
        kpi_queries.replies(conn, community_id, edges),
    )
    start, end = edges[-2], edges[-1]
    episodes = alert_store.episodes(conn, community_id, start, end)
    happened = incidents(episodes, start, end)
    score, parts = health_score(figures[1:], happened["counts"])
    topics, rising = _topics(conn, community_id, edges)
    cards = kpi_cards(figures[1:])
    top = (topics.iloc[0]["topic"], int(topics.iloc[0]["messages"])) if not topics.empty else None
    channels, platforms = _breakdown(conn, community_id, member_weeks, channel_weeks, last)
    return WeeklyReport(
        community=community,
        week=week,
        timezone=timezone,
        start=start,
        end=end,
        figures=figures[1:],
        cards=cards,
        health=score,
        health_parts=parts,
        incidents=happened,
        topics=topics,
        rising=rising,
        channels=channels,
        platforms=platforms,
        summary=summary(cards, happened, top),
    )


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


def _breakdown(conn, community_id, member_weeks, channel_weeks, week: int):
    """This week per channel and per platform: messages, active members, sentiment."""
    places = kpi_queries.channel_platforms(conn, community_id)
    sums = channel_weeks[channel_weeks["week"] == week].merge(places, on="channel_id")
    members = member_weeks[member_weeks["week"] == week].merge(places, on="channel_id")

    def table(by: list[str]) -> pd.DataFrame:
        frame = sums.groupby(by, as_index=False)[
            ["messages", "sentiment_sum", "sentiment_count", "negative_count"]
        ].sum()
        active = members.groupby(by)["member_id"].nunique().rename("active members")
        frame = frame.merge(active.reset_index(), on=by, how="left").fillna({"active members": 0})
        scored = frame["sentiment_count"].where(frame["sentiment_count"] > 0)
        frame["average sentiment"] = (frame["sentiment_sum"] / scored).round(3)
        frame["negative share"] = (frame["negative_count"] / scored).round(3)
        frame["active members"] = frame["active members"].astype(int)
        columns = [*by, "messages", "active members", "average sentiment", "negative share"]
        return frame[columns].sort_values("messages", ascending=False, ignore_index=True)

    return table(["platform", "channel"]), table(["platform"])
