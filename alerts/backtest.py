"""What a rule would have done: the live state machine run over past minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from alerts.data import metric_data
from alerts.evaluate import Episode, episodes_of, run
from alerts.metrics import score_series
from alerts.rules import Rule
from alerts.windows import MetricData, concrete_scopes, scope_label
from data_access import queries
from data_access.alert_data import minute_of


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


def backtest_range(
    engine: Engine, community_id: int, rule: Rule, start: datetime, end: datetime
) -> list[ScopeBacktest]:
    """Read what the rule needs for [start, end) and backtest it, minute by minute."""
    return backtest_on(rule, backtest_data(engine, community_id, rule, start, end), start, end)


def backtest_data(
    engine: Engine, community_id: int, rule: Rule, start: datetime, end: datetime
) -> MetricData:
    """The rows a backtest of `rule` over [start, end) is scored on: the same for every rule
    with the same alerts.data.data_needs (a threshold tried, a direction changed)."""
    with engine.connect() as conn:
        return metric_data(conn, community_id, [rule], minute_of(start), minute_of(end))


def backtest_on(rule: Rule, data: MetricData, start: datetime, end: datetime):
    """backtest over [start, end) on rows read before (backtest_data)."""
    return backtest(rule, data, minute_of(start), minute_of(end))


def default_period(
    engine: Engine, community_id: int, days: int
) -> tuple[datetime, datetime] | None:
    """The last `days` days that have data (an imported archive too), from the raw messages
    still kept (a backtest replays them); None without such data."""
    with engine.connect() as conn:
        extent = queries.data_extent(conn, community_id)
        kept_since = queries.raw_messages_kept_since(conn)
    if extent is None:
        return None
    end = extent[1] + timedelta(hours=1)
    start = max(extent[0], end - timedelta(days=days), kept_since or extent[0])
    return (start, end) if start < end else None


def scope_scores(
    engine: Engine, community_id: int, rule: Rule, scope_key: str, start: datetime, end: datetime
) -> pd.DataFrame:
    """One scope's minute scores over [start, end), for the evidence of an episode."""
    first, last = minute_of(start), minute_of(end)
    with engine.connect() as conn:
        data = metric_data(conn, community_id, [rule], first, last)
    scope = dict(concrete_scopes(rule, data)).get(scope_key)
    if scope is None:
        return pd.DataFrame(columns=["minute", "value", "score", "guard", "limit"])
    return score_series(rule, scope, data, first, last)
