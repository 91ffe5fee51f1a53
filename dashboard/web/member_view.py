"""What the Members page shows, from the stored member weeks (dashboard.member_lifecycle):
states per week, flows, cohorts and the lists of people to reach out to."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import lifecycle
from dashboard.i18n import _
from dashboard.report.words import LEVEL_NAMES, STATE_NAMES

__all__ = [  # the state and level names are the report's, shared with the pages
    "LEVEL_NAMES",
    "LEVELS",
    "PROFILE",
    "RISING_OVER",
    "STATE_NAMES",
    "cohorts",
    "counts_over_time",
    "flows_into",
    "level_counts",
    "people_list",
    "worded",
]
SHOWN_WEEKS = 12
PROFILE = "profile"  # the column of links to each member's profile page
RISING_OVER = lifecycle.RISING_OVER
LEVELS = lifecycle.LEVELS


def worded(names: dict[str, str]) -> dict[str, str]:
    return {key: _(name) for key, name in names.items()}


def counts_over_time(counts: pd.DataFrame, weeks: list[str]) -> pd.DataFrame:
    """People per state in the last SHOWN_WEEKS weeks (week as its name), every state in
    every week (counts: week index, state, people, as members_overview gives them); the
    weeks before the first with anyone in it are left out (a young community's chart
    opened on empty weeks)."""
    first = int(counts["week"].min()) if len(counts) else 0
    shown = range(max(len(weeks) - SHOWN_WEEKS, first), len(weeks))
    table = (
        counts[counts["week"].isin(shown)]
        .pivot_table(index="week", columns="state", values="people", aggfunc="sum")
        .reindex(index=list(shown), columns=list(lifecycle.STATES))
        .fillna(0)
        .astype("int64")
    )
    long = table.rename_axis(columns="state").reset_index()
    long = long.melt(id_vars="week", var_name="state", value_name="people")
    return long.assign(week=long["week"].map(dict(enumerate(weeks))))


def cohorts(active: pd.DataFrame, weeks: list[str]) -> pd.DataFrame:
    """Retention of the cohorts first seen in the stored weeks, the newest SHOWN_WEEKS
    (active: cohort, week, people active, as members_overview gives them): the share of a
    cohort active exactly 1, 2, 4, 8 and 12 weeks after its first week."""
    last = len(weeks) - 1
    people = active.set_index(["cohort", "week"])["people"]
    rows = []
    for cohort in sorted(active["cohort"].unique()):
        size = int(people.get((cohort, cohort), 0))
        if not size:
            continue
        row = {"cohort": weeks[int(cohort)], "people": size}
        for n in lifecycle.RETENTION_AFTER:
            later = int(cohort) + n
            row[f"after {n}"] = np.nan if later > last else people.get((cohort, later), 0) / size
        rows.append(row)
    columns = ["cohort", "people", *[f"after {n}" for n in lifecycle.RETENTION_AFTER]]
    return pd.DataFrame(rows, columns=columns).tail(SHOWN_WEEKS)


def flows_into(flows: pd.DataFrame, week: int) -> pd.DataFrame:
    """source, target, people: the flows from the week before into `week`, largest first."""
    chosen = flows[flows["week"] == week][["source", "target", "people"]]
    return chosen.sort_values(["people", "source", "target"], ascending=[False, True, True])


def level_counts(levels: pd.DataFrame, week: int) -> dict[str, int]:
    """People at each level in `week` (every level, zero where none)."""
    chosen = levels[levels["week"] == week].set_index("level")["people"]
    return {name: int(chosen.get(name, 0)) for name, _least in LEVELS}


def people_list(listed: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    """A list of people (person, level, engagement, in the order shown) with a link to
    each profile, their name, level and engagement."""
    levels = worded(LEVEL_NAMES)
    people = listed["person"].astype(int).tolist()
    return pd.DataFrame(
        {
            PROFILE: [f"member_profile?person={p}" for p in people],
            _("member"): [names.get(p, str(p)) for p in people],
            _("level"): listed["level"].map(levels).to_numpy(),
            _("engagement"): listed["engagement"].round(1).to_numpy(),
        }
    )
