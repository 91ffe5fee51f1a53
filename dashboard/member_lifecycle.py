"""Members' weeks kept up to date (the worker's job) and read back for the Members page:
each person's activity, lifecycle state, engagement and level per complete ISO week
(analysis.lifecycle, data_access.member_weeks). A week is counted once from its own
messages, and again only when its message count changed (late messages); the states of
the weeks from the first one counted onward are then worked out from the stored weeks,
so the cost follows the weeks that changed, not the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from analysis import lifecycle
from analysis.kpis import open_questions
from analysis.weeks import Week, boundaries, newest_week_with_data
from data_access import kpi_queries, member_weeks, person_reads, queries
from data_access.kpi_queries import ANSWER_GRACE

WEEKS_KEPT = 30  # the weeks the Members page can show (and the states' history)


@dataclass(frozen=True)
class MemberWeeks:
    """The stored weeks of a community, oldest first: `weeks` their names, `rows` one per
    person and week with a state (week as its index into `weeks`)."""

    weeks: list[str]
    rows: pd.DataFrame


def week_names(newest: Week) -> list[str]:
    return [newest.shifted(i - WEEKS_KEPT + 1).name for i in range(WEEKS_KEPT)]


def _newest_kept(conn, community_id: int, now: datetime, timezone: str) -> Week:
    extent = queries.data_extent(conn, community_id)
    return newest_week_with_data(extent[1] if extent else None, now, timezone, WEEKS_KEPT)


def refresh_member_weeks(engine: Engine, community_id: int, timezone: str, now: datetime) -> int:
    """Count the complete weeks whose member weeks are missing or stale, and work out the
    states from the first of them on; returns how many weeks were counted."""
    with engine.connect() as conn:
        newest = _newest_kept(conn, community_id, now, timezone)
    names = week_names(newest)
    edges = boundaries(newest, WEEKS_KEPT, timezone)
    with engine.connect() as conn:
        per_week = kpi_queries.channel_weeks(conn, community_id, edges)
        sums = per_week.groupby("week")["messages"].sum()
        messages = {names[i]: int(sums.get(i, 0)) for i in range(WEEKS_KEPT)}
        known = member_weeks.counted(conn, community_id, timezone)
        stale = [i for i, name in enumerate(names) if known.get(name) != messages[name]]
        if not stale:
            return 0
        first = stale[0]
        fresh = member_weeks.week_activity(conn, community_id, edges[first:])
        # the kept weeks' activity and states: their traits are not needed again
        kept = member_weeks.load(conn, community_id, timezone, names[:first], traits=())
        seen = member_weeks.first_seen(conn, community_id)
    fresh["week"] += first
    history = kept[kept[["messages", "replies_received", "reactions"]].sum(axis=1) > 0].assign(
        week=kept["week"].map({name: i for i, name in enumerate(names)})
    )[list(member_weeks.COLUMNS)]
    activity = pd.concat([history, fresh], ignore_index=True)
    seen_week = dict(zip(seen["person"], week_indexes(seen["first_seen"], edges), strict=True))
    states = lifecycle.states(activity, first, WEEKS_KEPT - 1, seen_week)
    rows = states.merge(activity, on=["person", "week"], how="left")
    rows = rows.fillna({c: 0 for c in (*lifecycle.ACTIVITY, "partners")})
    rows = rows.fillna({trait: "" for trait in member_weeks.TRAITS})
    rows["active"] = rows["messages"] + rows["reactions"] > 0
    rows = rows.astype({c: "int64" for c in (*lifecycle.ACTIVITY, "partners")})
    rows, counted = with_tallies(kept, rows, names, first)
    with engine.begin() as conn:
        member_weeks.replace(conn, community_id, timezone, names[first:], rows)
        member_weeks.replace_tallies(conn, community_id, timezone, names[first:], counted)
        member_weeks.forget_before(conn, community_id, timezone, names[0])
        member_weeks.mark_counted(
            conn, community_id, timezone, {names[i]: messages[names[i]] for i in stale}
        )
    return len(stale)


def with_tallies(kept: pd.DataFrame, rows: pd.DataFrame, names: list[str], first: int):
    """The new rows (weeks `first` on, week as an index) with what a reading needs of the
    weeks before (lifecycle.with_history), and the page's tallies of those weeks, both
    with weeks as names, from them and the kept rows of the weeks before (week as name)."""
    index = {name: i for i, name in enumerate(names)}
    before = kept[["person", "week", "state", "engagement", "level", "active"]]
    every = pd.concat([before.assign(week=before["week"].map(index)), rows], ignore_index=True)
    read = lifecycle.with_history(every)
    read = read[read["week"] >= first][
        ["person", "week", "previous_state", "growth", "last_active"]
    ]
    rows = rows.merge(read, on=["person", "week"], how="left")
    named = dict(enumerate(names)) | {-1: ""}
    rows["last_active"] = rows["last_active"].map(named)
    rows["week"] = rows["week"].map(named)
    counted = lifecycle.tallies(every, first)
    cohorts = counted["tally"] == "cohort"
    counted.loc[cohorts, "category"] = counted.loc[cohorts, "category"].astype(int).map(named)
    return rows, counted.assign(week=counted["week"].map(named))


def week_indexes(moments: pd.Series, edges: list[datetime]) -> list[int]:
    """The index of the week each moment falls in (negative: weeks before the first)."""
    starts = pd.DatetimeIndex(edges[:-1])
    moments = pd.DatetimeIndex(moments)
    inside = starts.searchsorted(moments, side="right") - 1
    before = (moments - starts[0]) // pd.Timedelta(days=7)
    return np.where(moments >= starts[0], inside, before).astype("int64").tolist()


def stored_member_weeks(
    engine: Engine,
    community_id: int,
    timezone: str,
    now: datetime,
    only=None,
    traits=member_weeks.TRAITS,
    activity: bool = True,
) -> MemberWeeks:
    """What the worker stored for the WEEKS_KEPT weeks up to the last complete one (or an
    archive's own last: analysis.weeks.newest_week_with_data); `only`: the rows of these
    week indexes alone (the weeks named are all WEEKS_KEPT); `traits`: the trait columns
    read; `activity`: whether what people did is read too."""
    with engine.connect() as conn:
        names = week_names(_newest_kept(conn, community_id, now, timezone))
        chosen = range(len(names)) if only is None else sorted(set(only))
        wanted = [names[i] for i in chosen if 0 <= i < len(names)]
        rows = member_weeks.load(conn, community_id, timezone, wanted, traits, activity)
    rows["week"] = rows["week"].map({name: i for i, name in enumerate(names)})
    return MemberWeeks(names, rows)


@dataclass(frozen=True)
class MembersOverview:
    """What the Members page shows, from the tallies the worker stored with the weeks
    (not their rows): `weeks` the WEEKS_KEPT names; week and cohort as indexes into them;
    `counts` (week, state, people), `levels` (week, level, people), `flows` (week,
    source, target, people: from the week before into it), `cohorts` (cohort, week,
    people active)."""

    weeks: list[str]
    counts: pd.DataFrame
    levels: pd.DataFrame
    flows: pd.DataFrame
    cohorts: pd.DataFrame


def members_overview(engine: Engine, community_id: int, timezone: str, now: datetime):
    with engine.connect() as conn:
        names = week_names(_newest_kept(conn, community_id, now, timezone))
        index = {name: i for i, name in enumerate(names)}
        read = {
            tally: member_weeks.tallies(conn, community_id, timezone, tally)
            for tally in ("state", "level", "flow", "cohort")
        }
    for tally, table in read.items():
        table = table[table["week"].isin(index)]
        read[tally] = table.assign(week=table["week"].map(index).astype("int64"))
    counts, levels, flows, cohorts = (read[t] for t in ("state", "level", "flow", "cohort"))
    cohorts = cohorts[cohorts["category"].isin(index)]
    return MembersOverview(
        names,
        counts.rename(columns={"category": "state"})[["week", "state", "people"]],
        levels.rename(columns={"category": "level"})[["week", "level", "people"]],
        flows.rename(columns={"category": "source"})[["week", "source", "target", "people"]],
        cohorts.assign(cohort=cohorts["category"].map(index).astype("int64"))[
            ["cohort", "week", "people"]
        ],
    )


def people_to_reach(engine: Engine, community_id: int, timezone: str, week: str, which: str):
    """One list of the Members page for `week` (a name): see member_weeks.people_to_reach."""
    with engine.connect() as conn:
        return member_weeks.people_to_reach(conn, community_id, timezone, week, which)


def unanswered_newcomers(
    engine: Engine, community_id: int, week: Week, timezone: str, newcomers: set[int]
) -> pd.DataFrame:
    """The first question of each newcomer of `week` (people whose state is new) that no
    one else answered (within the week and the 7 days after): sent_at, channel, author,
    text, oldest first; only in sources that record replies (in the others no answer
    could be seen). Reads the newcomers' own messages and the replies to their
    questions, down the member and reply indexes: the cost follows the newcomers."""
    start, end = week.start(timezone), week.end(timezone)
    with engine.connect() as conn:
        accounts = person_reads.accounts_of(conn, community_id, sorted(newcomers))
        replying = kpi_queries.replying_sources(conn, community_id)
        asked = person_reads.questions_asked(conn, accounts, start, end, replying)
        first = asked.sort_values(["sent_at", "id"]).drop_duplicates("person")
        replies = person_reads.replies_to(conn, first["id"].tolist(), end + ANSWER_GRACE)
    unanswered = open_questions(first, replies).sort_values("sent_at")
    return unanswered[["sent_at", "channel", "author", "text"]].reset_index(drop=True)
