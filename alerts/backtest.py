"""What a rule would have done: the live state machine run over past minutes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from alerts.evaluate import Episode, episodes_of, run
from alerts.metrics import MetricData, concrete_scopes, scope_label, score_series
from alerts.rules import Rule


@dataclass(frozen=True)
class ScopeBacktest:
    key: str
    label: str
    episodes: list[Episode]
    scores: pd.DataFrame  # minute, value, score, guard, limit


def backtest(rule: Rule, data: MetricData, start: int, end: int) -> list[ScopeBacktest]:
    """Each scope of the rule over the minutes [start, end), starting from Normal."""
    results = []
    for key, scope in concrete_scopes(rule, data):
        scores = score_series(rule, scope, data, start, end)
        _, changes = run(rule, scores)
        results.append(ScopeBacktest(key, scope_label(scope, data), episodes_of(changes), scores))
    return results


def summary(results: list[ScopeBacktest], end: int) -> dict[str, float]:
    """Episodes, total and longest firing minutes (an open episode counts up to `end`)."""
    lengths = [(e.end if e.end is not None else end) - e.start for r in results for e in r.episodes]
    return {
        "episodes": len(lengths),
        "firing_minutes": sum(lengths),
        "longest_minutes": max(lengths, default=0),
    }
