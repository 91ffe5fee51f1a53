"""What the Members page shows, from the stored member weeks (dashboard.member_lifecycle):
states per week, flows, cohorts and the lists of people to reach out to."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import lifecycle
from dashboard.i18n import _
from dashboard.report.words import LEVEL_NAMES, STATE_NAMES
from data_access.person_reads import MOST_MESSAGES

__all__ = [  # the state and level names are the report's, shared with the pages
    "LEVEL_NAMES",
    "LEVELS",
    "MOST_MESSAGES",
    "PROFILE",
    "RISING_OVER",
    "STATE_NAMES",
    "cohorts",
    "counts_over_time",
    "flows",
    "people_list",
    "worded",
]
SHOWN_WEEKS = 12
PROFILE = "profile"  # the column of links to each member's profile page
RISING_OVER = 4  # weeks: rising members are those whose engagement grew most over these

flows = lifecycle.flows
LEVELS = lifecycle.LEVELS


def worded(names: dict[str, str]) -> dict[str, str]:
    return {key: _(name) for key, name in names.items()}


def counts_over_time(counts: pd.DataFrame, weeks: list[str]) -> pd.DataFrame:
    """People per state in the last SHOWN_WEEKS weeks (week as its name), every state in
    every week (counts: week index, state, people, as members_overview gives them)."""
    shown = range(len(weeks) - SHOWN_WEEKS, len(weeks))
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


def people_list(rows: pd.DataFrame, week: int, names: dict[int, str], which: str):
    """'at risk': people at risk in `week` who were not the week before; 'rising': the
    people whose engagement grew most over RISING_OVER weeks. Name, level, engagement."""
    now = rows[rows["week"] == week].set_index("person")
    if which == "at risk":
        before = set(rows[(rows["week"] == week - 1) & (rows["state"] == "at risk")]["person"])
        chosen = now[(now["state"] == "at risk") & ~now.index.isin(before)]
        chosen = chosen.sort_values("engagement", ascending=False)
    else:
        then = rows[rows["week"] == week - RISING_OVER].set_index("person")["engagement"]
        growth = now["engagement"] - then.reindex(now.index).fillna(0.0)
        chosen = now.assign(growth=growth).sort_values("growth", ascending=False)
        chosen = chosen[chosen["growth"] > 0]
    levels = worded(LEVEL_NAMES)
    return pd.DataFrame(
        {
            PROFILE: [f"member_profile?person={int(p)}" for p in chosen.index],
            _("member"): [names.get(int(p), str(p)) for p in chosen.index],
            _("level"): chosen["level"].map(levels).to_numpy(),
            _("engagement"): chosen["engagement"].round(1).to_numpy(),
        }
    ).head(25)
