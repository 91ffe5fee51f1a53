"""The "emerging term" metric: how far the strongest emerging term of the community is
above its usual (its z, analysis.emerging), as the worker's latest snapshot saw it. Pure
numpy on `MetricData.emerging`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alerts.rules import Rule, Scope
from alerts.windows import MetricData

FRESH_MINUTES = 45  # a snapshot older than this says nothing (the worker takes one every 15)


def emerging_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of the emerging-term metric: at each minute, the z of the strongest
    term in the newest snapshot taken at or before it (0 when nothing was emerging; NaN,
    no data, when no snapshot is FRESH_MINUTES old or newer). The guard is that term's
    messages in its window, so min_volume asks for that many."""
    minutes = np.arange(start, end, dtype=np.int64)
    strongest = _strongest_per_snapshot(data.emerging)
    at = strongest["minute"].to_numpy(dtype=np.int64)
    value, guard = np.full(len(minutes), np.nan), np.zeros(len(minutes))
    if len(at):  # (none yet: the worker has not looked, so no data)
        latest = np.searchsorted(at, minutes, side="right") - 1  # newest snapshot at or before
        pick = np.maximum(latest, 0)
        fresh = (latest >= 0) & (minutes - at[pick] <= FRESH_MINUTES)
        value = np.where(fresh, strongest["z"].to_numpy(dtype=float)[pick], np.nan)
        guard = np.where(fresh, strongest["recent"].to_numpy(dtype=float)[pick], 0.0)
    return {
        "minute": minutes,
        "value": value,
        "score": value,
        "guard": guard,
        "limit": np.full(len(minutes), rule.threshold),
    }


def strongest_terms(data: MetricData, minute: int) -> list[str]:
    """The emerging terms of the newest fresh snapshot at or before `minute`, strongest
    first (for an episode's description)."""
    snapshots = data.emerging
    if snapshots is None or snapshots.empty:
        return []
    taken = snapshots.loc[snapshots["minute"] <= minute, "minute"]
    if taken.empty or minute - int(taken.max()) > FRESH_MINUTES:
        return []
    newest = snapshots[(snapshots["minute"] == taken.max()) & snapshots["term"].notna()]
    return newest.sort_values("z", ascending=False)["term"].tolist()


def _strongest_per_snapshot(snapshots: pd.DataFrame | None) -> pd.DataFrame:
    """minute, z, recent of each snapshot's strongest term (z 0 when nothing emerged)."""
    if snapshots is None or snapshots.empty:
        return pd.DataFrame({"minute": [], "z": [], "recent": []})
    ordered = snapshots.sort_values(["minute", "z"], ascending=[True, False])
    return ordered.drop_duplicates("minute")[["minute", "z", "recent"]].reset_index(drop=True)
