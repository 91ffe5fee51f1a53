"""Weekly KPIs from week-bucketed counts: pure pandas, the same numbers every time.

Definitions (also in docs/kpis.md):
* active members: humans who posted or reacted at least once in the week;
* new members: humans first seen in the week (a message, a reaction or a join);
* returning members: active this week and the week before; churned: active the week
  before, not this week;
* messages: every message, bots included;
* threads started: top-level messages (not replies) that got at least one reply;
* response rate: of the questions (top-level messages with a "?") and threads started,
  the share answered by someone other than the asker; median time to first response:
  from the message to the first reply by someone else, over the answered ones;
* average sentiment and negative share: of the messages VADER scored;
* messages of each kind (docs/kinds.md); open questions: questions of the week (a
  question's kind, not a reply) no one else has replied to within a week; top bug
  reports: the week's bug reports, those with most replies by others first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.kinds import KIND_COUNT_COLUMNS


@dataclass(frozen=True)
class WeekFigures:
    active: int
    new: int
    returning: int | None  # None for the first week of a series (its previous is unknown)
    churned: int | None
    messages: int
    threads: int
    asked: int  # questions and threads started
    answered: int
    median_response_minutes: float | None
    avg_sentiment: float | None
    negative_share: float | None
    left: int = 0  # people who left, where platforms record it

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def member_figures(member_weeks: pd.DataFrame, weeks: int) -> list[dict]:
    """Active, returning and churned members of each week from (week, member_id) rows."""
    sets = [set(member_weeks.loc[member_weeks["week"] == w, "member_id"]) for w in range(weeks)]
    rows = []
    for week, members in enumerate(sets):
        before = sets[week - 1] if week else None
        rows.append(
            {
                "active": len(members),
                "returning": None if before is None else len(members & before),
                "churned": None if before is None else len(before - members),
            }
        )
    return rows


def response_figures(replies: pd.DataFrame, questions: pd.Series, weeks: int) -> list[dict]:
    """Threads started, questions and threads asked, answered, and the median minutes to
    the first answer by someone else, per week."""
    rows = []
    for week in range(weeks):
        mine = replies[replies["week"] == week]
        parents = mine.drop_duplicates("parent_id")
        by_others = mine[mine["replier"] != mine["asker"]]
        first = by_others.groupby("parent_id").agg(
            asked_at=("asked_at", "first"), replied_at=("replied_at", "min")
        )
        minutes = (first["replied_at"] - first["asked_at"]).dt.total_seconds() / 60
        rows.append(
            {
                "threads": len(parents),
                "asked": int(questions.get(week, 0))
                + int((~parents["is_question"].astype(bool)).sum()),
                "answered": len(first),
                "median_response_minutes": float(minutes.median()) if len(minutes) else None,
            }
        )
    return rows


def sentiment_figures(channel_weeks: pd.DataFrame, weeks: int) -> list[dict]:
    sums = channel_weeks.groupby("week")[
        ["messages", "sentiment_sum", "sentiment_count", "negative_count"]
    ].sum()
    rows = []
    for week in range(weeks):
        row = sums.loc[week] if week in sums.index else None
        scored = 0 if row is None else int(row["sentiment_count"])
        rows.append(
            {
                "messages": 0 if row is None else int(row["messages"]),
                "avg_sentiment": float(row["sentiment_sum"]) / scored if scored else None,
                "negative_share": float(row["negative_count"]) / scored if scored else None,
            }
        )
    return rows


def week_figures(
    weeks: int,
    counted: dict[int, dict],
    new_members: pd.Series,
    channel_weeks: pd.DataFrame,
    left: pd.Series | None = None,
) -> list[WeekFigures]:
    """The figures of each of `weeks` consecutive weeks, oldest first; `counted` holds each
    week's member and response figures (member_figures and response_figures)."""
    sentiment = sentiment_figures(channel_weeks, weeks)
    left = pd.Series(dtype=int) if left is None else left
    return [
        WeekFigures(
            new=int(new_members.get(week, 0)),
            left=int(left.get(week, 0)),
            **counted[week],
            **sentiment[week],
        )
        for week in range(weeks)
    ]


def incidents(episodes: pd.DataFrame, start, end) -> dict:
    """Episodes overlapping [start, end): counts by severity, the hours when at least one
    alert was firing (overlaps counted once), and the critical ones as (rule name, scope
    label) pairs, for each reader to word in their language."""
    counts = {"critical": 0, "warning": 0, "info": 0}
    spans = []
    pairs = []
    for row in episodes.sort_values("started_at").itertuples() if not episodes.empty else []:
        counts[row.severity] = counts.get(row.severity, 0) + 1
        first = max(row.started_at, start)
        last = min(row.ended_at if pd.notna(row.ended_at) else end, end)
        if spans and first <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
        if row.severity == "critical":
            pairs.append((row.rule_name, row.scope_label))
    hours = sum((b - a).total_seconds() for a, b in spans) / 3600
    return {"counts": counts, "firing_hours": hours, "critical": pairs}


def kind_counts(channel_weeks: pd.DataFrame, week: int) -> pd.DataFrame:
    """kind, messages, previous (the week before), change: messages of each kind in
    `week` (an index of `channel_weeks`) and the week before; other is the rest."""
    sums = channel_weeks.groupby("week")[["messages", *KIND_COUNT_COLUMNS.values()]].sum()

    def counts(index: int) -> dict[str, int]:
        row = sums.loc[index] if index in sums.index else None
        found = {k: 0 if row is None else int(row[c]) for k, c in KIND_COUNT_COLUMNS.items()}
        total = 0 if row is None else int(row["messages"])
        return found | {"other": total - sum(found.values())}

    now, before = counts(week), counts(week - 1)
    return pd.DataFrame(
        {
            "kind": list(now),
            "messages": list(now.values()),
            "previous": [before[k] for k in now],
            "change": [now[k] - before[k] for k in now],
        }
    )


def answered_by_others(replies: pd.DataFrame) -> pd.Series:
    """How many replies by someone other than the author each message got (by id)."""
    by_others = replies[replies["replier"] != replies["asker"]]
    return by_others.groupby("parent_id").size()


def open_questions(questions: pd.DataFrame, replies: pd.DataFrame) -> pd.DataFrame:
    """The questions (messages_of_kind rows) no one else replied to, newest first."""
    answered = answered_by_others(replies)
    return questions[~questions["id"].isin(answered.index)].reset_index(drop=True)


def top_bug_reports(reports: pd.DataFrame, replies: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The bug reports with most replies by others first (then the newest), with a
    `replies` column."""
    answered = answered_by_others(replies)
    counted = reports.assign(replies=reports["id"].map(answered).fillna(0).astype(int))
    ordered = counted.sort_values(["replies", "sent_at"], ascending=[False, False], kind="stable")
    return ordered.head(limit).reset_index(drop=True)
