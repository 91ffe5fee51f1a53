"""The member metrics, week by week: vital members newly at risk, and a saved segment's
size. Each is a count of people in a complete ISO week, known from the minute the week
ended (and the worker counted it) until the next week ends; pure numpy on
`MetricData.weekly`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alerts.rules import Rule, Scope
from alerts.windows import MetricData

WEEK_MINUTES = 7 * 24 * 60


def weekly_key(rule: Rule, scope: Scope) -> str:
    return f"segment:{scope.value}" if rule.metric == "segment_size" else rule.metric


def steps(ends: list[int], values: list[float]) -> pd.DataFrame:
    """The step series of weekly values: each from its week's end (epoch minute) on; after
    the newest week, one more week, then nothing (NaN: the next week was not counted)."""
    if not ends:
        return pd.DataFrame({"minute": [], "value": []})
    return pd.DataFrame(
        {
            "minute": [*ends, ends[-1] + WEEK_MINUTES],
            "value": [*map(float, values), np.nan],
        }
    )


def weekly_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of a member metric: the value of the newest week ended at or before
    each minute (NaN before the first stored week, or when the next is overdue). The
    guard is the value itself (min_volume asks for that many people)."""
    minutes = np.arange(start, end, dtype=np.int64)
    known = data.weekly.get(weekly_key(rule, scope))
    if known is None or known.empty:
        value = np.full(len(minutes), np.nan)
    else:
        at = known["minute"].to_numpy(dtype=np.int64)
        index = np.searchsorted(at, minutes, side="right") - 1
        values = known["value"].to_numpy(dtype=float)
        value = np.where(index >= 0, values[np.maximum(index, 0)], np.nan)
    return {
        "minute": minutes,
        "value": value,
        "score": value,
        "guard": np.nan_to_num(value),
        "limit": np.full(len(minutes), rule.threshold),
    }
