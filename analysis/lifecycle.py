"""Members' engagement, levels and lifecycle, week by week. Pure pandas over one row per
person and ISO week in which they did anything (see `ACTIVITY`); weeks are numbered
consecutively (`week` = an ISO week's index, so week - 1 is the week before).

Engagement is recency-weighted activity: each week's points (POINTS per kind of
activity) count with weight 0.5 ** (age in weeks / HALF_LIFE_WEEKS), over the last
HORIZON_WEEKS. A level follows from the score (LEVELS). A lifecycle state is given to
each person each week from their activity (see `state_of`)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

ACTIVITY = (
    "messages",
    "replies_given",
    "replies_received",
    "threads_started",
    "answers",
    "reactions",
)
POINTS = {  # what one of each is worth
    "messages": 1.0,
    "replies_given": 1.0,  # on top of the message itself: talking with someone
    "replies_received": 0.5,
    "threads_started": 2.0,  # a top-level message someone else replied to
    "answers": 3.0,  # a reply to someone else's question
    "reactions": 0.25,
}
HALF_LIFE_WEEKS = 4
HORIZON_WEEKS = 26
LEVELS = (  # the lowest score of each level, highest first
    ("champion", 40.0),
    ("regular", 10.0),
    ("participant", 2.0),
    ("observer", 0.0),
)
VALUED_LEVELS = ("regular", "champion")
_VALUED_LEAST = min(least for name, least in LEVELS if name in VALUED_LEVELS)
# vital: sustained, broad interaction
VITAL_WEEKS, VITAL_OF = 3, 4  # in at least 3 of the last 4 weeks ...
VITAL_INTERACTIONS, VITAL_PARTNERS = 3, 2  # ... 3 replies given or received, with 2 people
STATES = ("new", "active", "vital", "returning", "at risk", "churned")
RETENTION_AFTER = (1, 2, 4, 8, 12)  # weeks after the first, for the cohort table
RISING_OVER = 4  # weeks: rising members are those whose engagement grew most over these
NOT_AROUND = "not around"  # a flow's end where a person has no state


def week_points(weeks: pd.DataFrame) -> pd.Series:
    """Each row's engagement points (before the recency weight)."""
    return sum(weeks[column] * points for column, points in POINTS.items())


def engagement(weeks: pd.DataFrame, as_of: int) -> pd.Series:
    """Each person's engagement score at the end of week `as_of`: their weekly points,
    weighted by recency, over the HORIZON_WEEKS up to it (indexed by person)."""
    recent = weeks[(weeks["week"] <= as_of) & (weeks["week"] > as_of - HORIZON_WEEKS)]
    weight = 0.5 ** ((as_of - recent["week"]) / HALF_LIFE_WEEKS)
    return (week_points(recent) * weight).groupby(recent["person"]).sum().rename("engagement")


def level_of(score: float) -> str:
    return next(name for name, least in LEVELS if score >= least)


def is_vital_week(weeks: pd.DataFrame) -> pd.Series:
    """Whether each row is a week of broad interaction (VITAL_INTERACTIONS with
    VITAL_PARTNERS other people)."""
    interactions = weeks["replies_given"] + weeks["replies_received"]
    return (interactions >= VITAL_INTERACTIONS) & (weeks["partners"] >= VITAL_PARTNERS)


def states(
    weeks: pd.DataFrame, first: int, last: int, first_seen: dict | None = None
) -> pd.DataFrame:
    """Every person's state in each week of [first, last] (person, week, state, engagement,
    level), from their activity rows (all weeks before `first` too, for the history) and
    the week each was first seen (`first_seen`, person -> week, earlier than the rows
    for people who were there before them; by default their first row). A person has no
    row in a week where they have no state (long gone, or not yet come).

    `state_of` is the definition, one person and week at a time; this is the same worked
    out on arrays of people x weeks at once (a test holds the two equal)."""
    columns = ["person", "week", "state", "engagement", "level"]
    if weeks.empty or last < first:
        return pd.DataFrame(columns=columns)
    people, row_of = np.unique(weeks["person"].to_numpy(), return_inverse=True)
    offset = min(int(weeks["week"].min()), first)
    span = max(int(weeks["week"].max()), last) - offset + 1
    col = weeks["week"].to_numpy(dtype=np.int64) - offset
    shape = (len(people), span)
    active = np.zeros(shape, dtype=bool)
    vital = np.zeros(shape, dtype=bool)
    points = np.zeros(shape)
    np.logical_or.at(active, (row_of, col), (weeks["messages"] + weeks["reactions"] > 0).to_numpy())
    np.logical_or.at(vital, (row_of, col), is_vital_week(weeks).to_numpy())
    np.add.at(points, (row_of, col), week_points(weeks).to_numpy(dtype=float))
    index = np.arange(span)
    age = index[None, :] - index[:, None]  # [from, to]
    decay = np.where((age >= 0) & (age < HORIZON_WEEKS), 0.5 ** (age / HALF_LIFE_WEEKS), 0.0)
    score = points @ decay  # engagement at the end of each week
    never = np.iinfo(np.int64).min // 4
    last_active = np.maximum.accumulate(np.where(active, index, never), axis=1)
    first_active = np.where(active.any(axis=1), active.argmax(axis=1), never)
    seen = np.array(
        [first_seen.get(p, never) for p in people.tolist()]
        if first_seen
        else [never] * len(people),
        dtype=np.int64,
    )
    seen = np.where(seen == never, first_active, seen - offset)
    vital_recent = np.cumsum(vital, axis=1)
    found = []
    for week in range(first - offset, last - offset + 1):
        latest = last_active[:, week]
        quiet = week - latest
        before = last_active[:, week - 1] if week > 0 else np.full(len(people), never)
        fresh = before == never
        state = np.full(len(people), None, dtype=object)
        now = quiet == 0
        state[now & fresh & (week - seen <= 1)] = "new"
        back = np.where(fresh, seen, before)
        state[now & (state == None) & (week - back >= 3)] = "returning"  # noqa: E711
        low = max(week - VITAL_OF, -1)
        broad = vital_recent[:, week] - (vital_recent[:, low] if low >= 0 else 0)
        around = (quiet <= 1) & (state == None)  # noqa: E711
        state[around] = np.where(broad[around] >= VITAL_WEEKS, "vital", "active")
        gone = quiet >= 2
        valued = score[np.arange(len(people)), np.maximum(latest, 0)] >= _VALUED_LEAST
        state[gone & valued & (quiet <= 3)] = "at risk"
        state[gone & ((valued & (quiet == 4)) | (~valued & (quiet == 2)))] = "churned"
        state[latest == never] = None
        has = state != None  # noqa: E711
        found.append(
            pd.DataFrame(
                {
                    "person": people[has],
                    "week": week + offset,
                    "state": state[has],
                    "score": score[has, week],
                }
            )
        )
    table = pd.concat(found, ignore_index=True).sort_values(["person", "week"], kind="stable")
    levels = [name for name, _least in LEVELS]
    floors = [least for _name, least in LEVELS]
    table["level"] = np.select([table["score"] >= f for f in floors], levels, default="observer")
    table["engagement"] = table["score"].round(3)
    return table[columns].reset_index(drop=True)


def state_of(
    week: int,
    active: set[int],
    vital: set[int],
    points: dict[int, float],
    first_seen: int | None = None,
):
    """One person's lifecycle state in `week`, given the weeks they were active in, the
    weeks of broad interaction, their points per week and the week they were first seen
    (their first message, reaction or join; by default their first active week):

    - new: their first active week, if they were first seen in it or the week before (a
      join a few days before the first message);
    - returning: active again after two or more quiet weeks (or after being first seen
      longer ago, with no activity since);
    - vital: active in this week or the last, and broad interaction in VITAL_WEEKS of the
      last VITAL_OF weeks;
    - active: active this week or the week before (one quiet week is not a change);
    - at risk: quiet for two or three weeks after being a regular or a champion (by
      their engagement at their last active week);
    - churned: the week they count as gone: two quiet weeks for the others, four for
      those at risk. After it, no state until they return.
    None before the first active week and after churning."""
    earlier = [w for w in active if w <= week]
    if not earlier:
        return None
    last_active = max(earlier)
    quiet = week - last_active
    if quiet == 0:
        seen = min(active) if first_seen is None else first_seen
        before = max((w for w in active if w < week), default=None)
        if before is None and week - seen <= 1:
            return "new"
        if week - (seen if before is None else before) >= 3:
            return "returning"
    if quiet <= 1:
        broad = sum(1 for w in range(week - VITAL_OF + 1, week + 1) if w in vital)
        return "vital" if broad >= VITAL_WEEKS else "active"
    valued = level_of(_score(points, last_active)) in VALUED_LEVELS
    if valued:
        if quiet in (2, 3):
            return "at risk"
        return "churned" if quiet == 4 else None
    return "churned" if quiet == 2 else None


def _score(points: dict[int, float], as_of: int) -> float:
    return sum(
        p * 0.5 ** ((as_of - w) / HALF_LIFE_WEEKS)
        for w, p in points.items()
        if as_of - HORIZON_WEEKS < w <= as_of
    )


def vital_newly_at_risk(weekly: pd.DataFrame, week: int) -> pd.Index:
    """The people at risk in `week` who were not the week before and were vital in one of
    the VITAL_OF weeks before it: valued members with broad ties, going quiet."""
    at = weekly[weekly["week"] == week]
    before = weekly[(weekly["week"] >= week - VITAL_OF) & (weekly["week"] < week)]
    was_at_risk = set(
        before.loc[(before["week"] == week - 1) & (before["state"] == "at risk"), "person"]
    )
    was_vital = set(before.loc[before["state"] == "vital", "person"])
    chosen = at[(at["state"] == "at risk") & at["person"].isin(was_vital)]
    return pd.Index(sorted(set(chosen["person"]) - was_at_risk))


def counts_per_state(weekly: pd.DataFrame) -> pd.DataFrame:
    """People in each state per week (week, state, people), every state in every week."""
    if weekly.empty:
        return pd.DataFrame(columns=["week", "state", "people"])
    table = pd.crosstab(weekly["week"], weekly["state"]).reindex(columns=STATES, fill_value=0)
    long = table.reset_index().melt(id_vars="week", var_name="state", value_name="people")
    return long.astype({"people": "int64"})


def flows(weekly: pd.DataFrame, week: int) -> pd.DataFrame:
    """How many people went from each state in the week before `week` to each state in it
    (source, target, people); "not around" stands for no state."""
    before = weekly.loc[weekly["week"] == week - 1].set_index("person")["state"]
    now = weekly.loc[weekly["week"] == week].set_index("person")["state"]
    people = before.index.union(now.index)
    pairs = pd.DataFrame(
        {
            "source": before.reindex(people).fillna("not around").to_numpy(),
            "target": now.reindex(people).fillna("not around").to_numpy(),
        }
    )
    counted = pairs.groupby(["source", "target"]).size().rename("people").reset_index()
    return counted.sort_values("people", ascending=False, ignore_index=True)


def with_history(weekly: pd.DataFrame) -> pd.DataFrame:
    """The rows (person, week, state, engagement, active) with what a week's reading needs
    of the weeks before it: `previous_state` (the state the week before; None: no state),
    `growth` (engagement minus that of RISING_OVER weeks before, 0 where there was no row)
    and `last_active` (the latest week up to this one with activity; -1: none in the
    rows). Rows of every week wanted, oldest first, must be there."""
    keys = ["person", "week"]
    ordered = weekly.astype({"person": "int64", "week": "int64"}).sort_values(keys, kind="stable")
    earlier = ordered[[*keys, "state"]].assign(week=ordered["week"] + 1)
    then = ordered[[*keys, "engagement"]].assign(week=ordered["week"] + RISING_OVER)
    found = ordered.merge(earlier.rename(columns={"state": "previous_state"}), on=keys, how="left")
    found = found.merge(then.rename(columns={"engagement": "earlier"}), on=keys, how="left")
    found["growth"] = (found["engagement"] - found["earlier"].fillna(0.0)).round(3)
    weeks = found["week"].where(found["active"].astype(bool))
    latest = weeks.groupby(found["person"]).cummax().groupby(found["person"]).ffill()
    found["last_active"] = latest.fillna(-1).astype("int64")
    found["previous_state"] = found["previous_state"].astype(object)
    found.loc[found["previous_state"].isna(), "previous_state"] = None
    return found.drop(columns="earlier")


def tallies(weekly: pd.DataFrame, first: int) -> pd.DataFrame:
    """What the Members page counts, for weeks `first` on, from rows of every week
    (person, week, state, level, active): (week, tally, category, target, people) where
    tally is "state" (category: a state), "level" (a level), "flow" (from the state in
    category the week before to the state in target; NOT_AROUND for none, as `flows`) or
    "cohort" (category: the week index a cohort was new in, as text; people: how many of
    it were active that week)."""
    columns = ["week", "tally", "category", "target", "people"]
    if weekly.empty:
        return pd.DataFrame(columns=columns)
    weekly = weekly.astype({"person": "int64", "week": "int64"})
    found = []
    for tally in ("state", "level"):
        counted = weekly.groupby(["week", tally]).size().rename("people").reset_index()
        found.append(counted.rename(columns={tally: "category"}).assign(tally=tally, target=""))
    now = weekly[["person", "week", "state"]]
    pairs = now.merge(now.assign(week=now["week"] + 1), on=["person", "week"], how="outer")
    pairs = pairs[pairs["week"] <= weekly["week"].max()].fillna(NOT_AROUND)
    moved = pairs.groupby(["week", "state_y", "state_x"]).size().rename("people").reset_index()
    renamed = {"state_y": "category", "state_x": "target"}
    found.append(moved.rename(columns=renamed).assign(tally="flow"))
    newcomers = weekly.loc[weekly["state"] == "new", ["person", "week"]]
    active = weekly.loc[weekly["active"].astype(bool), ["person", "week"]]
    kept = active.merge(newcomers.rename(columns={"week": "cohort"}), on="person")
    kept = kept[kept["week"] >= kept["cohort"]]
    stayed = kept.groupby(["week", "cohort"]).size().rename("people").reset_index()
    stayed = stayed.assign(category=stayed["cohort"].astype(str), tally="cohort", target="")
    found.append(stayed.drop(columns="cohort"))
    table = pd.concat(found, ignore_index=True)
    table = table[table["week"] >= first][columns]
    return table.astype({"week": "int64", "people": "int64"}).reset_index(drop=True)


def cohort_retention(
    weeks: pd.DataFrame, after: Iterable[int] = RETENTION_AFTER, last: int | None = None
):
    """For each cohort (people whose first active week is that week): its size and the
    share of it active exactly `n` weeks later, for each n of `after` (NaN where that
    week is after `last`, the newest week known; by default the newest row's)."""
    if last is None:
        last = int(weeks["week"].max()) if len(weeks) else 0
    first = weeks.groupby("person")["week"].min().rename("cohort")
    active = set(zip(weeks["person"], weeks["week"], strict=True))
    rows = []
    for cohort, people in first.groupby(first):
        row = {"cohort": int(cohort), "people": len(people)}
        for n in after:
            if cohort + n > last:
                row[f"after {n}"] = np.nan
                continue
            kept = sum((p, cohort + n) in active for p in people.index)
            row[f"after {n}"] = kept / len(people)
        rows.append(row)
    return pd.DataFrame(rows, columns=["cohort", "people", *[f"after {n}" for n in after]])
