"""What the Members page shows, from the stored member weeks (dashboard.member_lifecycle):
states per week, flows, cohorts and the lists of people to reach out to."""

from __future__ import annotations

import pandas as pd

from analysis import lifecycle
from dashboard.i18n import _
from dashboard.report.words import LEVEL_NAMES, STATE_NAMES

__all__ = [  # the state and level names are the report's, shared with the pages
    "LEVEL_NAMES",
    "LEVELS",
    "PROFILE",
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


def counts_over_time(rows: pd.DataFrame, weeks: list[str]) -> pd.DataFrame:
    """People per state in the last SHOWN_WEEKS weeks (week as its name)."""
    first = len(weeks) - SHOWN_WEEKS
    counts = lifecycle.counts_per_state(rows[rows["week"] >= first])
    return counts.assign(week=counts["week"].map(dict(enumerate(weeks))))


def cohorts(rows: pd.DataFrame, weeks: list[str]) -> pd.DataFrame:
    """Retention of the cohorts first seen in the stored weeks (newest last SHOWN_WEEKS)."""
    newcomers = set(rows.loc[rows["state"] == "new", "person"])  # first seen in these weeks
    active = rows[rows["active"].astype(bool) & rows["person"].isin(newcomers)]
    table = lifecycle.cohort_retention(active, last=len(weeks) - 1).tail(SHOWN_WEEKS)
    return table.assign(cohort=table["cohort"].map(dict(enumerate(weeks))))


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
