"""Thresholds that calibrate themselves: each shipped rule's threshold set from the
community's own history to a false-alarm budget.

A shipped rule (one of `DEFAULT_RULES`, by name) that nobody pinned is replayed over the
last CALIBRATION_DAYS of the community's data at its shipped threshold and at stricter
ones (STEPS times it, or divided by it for a rule that fires below); the least strict
that would have opened at most the budget's episodes (one a week by default) becomes its
threshold, the recovery threshold moving with it. The shipped threshold is the most
sensitive a calibration may choose: calibration only quietens a noisy community's
rules. A pinned rule (an analyst set its threshold) is never moved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Engine

from alerts.backtest import ScopeBacktest, backtest
from alerts.data import metric_data
from alerts.evaluate import episodes_of, run
from alerts.rules import DEFAULT_RULES, Rule
from data_access.alert_data import minute_of

CALIBRATION_DAYS = 30
STEPS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)
NOT_CALIBRATED = {"silent_sources", "predicted_spike"}  # a count of sources; a forecast
SHIPPED = {rule.name: rule for rule in DEFAULT_RULES}


@dataclass(frozen=True)
class Calibration:
    rule: Rule  # with the chosen threshold (unchanged when nothing fits better)
    episodes: dict[float, int]  # threshold tried -> episodes it would have opened
    budget: float  # episodes allowed over the period
    days: float


def calibratable(rule: Rule) -> bool:
    shipped = SHIPPED.get(rule.name)
    return (
        not rule.pinned
        and shipped is not None
        and shipped.metric == rule.metric
        and shipped.condition == rule.condition
        and rule.metric not in NOT_CALIBRATED
    )


def at_step(rule: Rule, step: float) -> Rule:
    """The rule with its shipped threshold made `step` times stricter (recovery too)."""
    shipped = SHIPPED[rule.name]
    scale = step if shipped.direction == "above" else 1 / step
    recovery = None if shipped.recovery_threshold is None else shipped.recovery_threshold * scale
    return replace(rule, threshold=shipped.threshold * scale, recovery_threshold=recovery)


def calibrate(
    rule: Rule, results: list[ScopeBacktest], days: float, per_week: float
) -> Calibration:
    """The least strict step whose replay of the scored minutes (`results`, the rule's
    backtest over `days`) opens at most `per_week` episodes a week; the strictest step
    when none does."""
    budget = per_week * days / 7
    episodes: dict[float, int] = {}
    chosen = at_step(rule, STEPS[-1])
    for step in STEPS:
        candidate = at_step(rule, step)
        count = sum(len(episodes_of(run(candidate, r.scores)[1])) for r in results)
        episodes[candidate.threshold] = count
        if count <= budget:
            chosen = candidate
            break
    return Calibration(chosen, episodes, budget, days)


def calibrate_rule(
    engine: Engine, community_id: int, rule: Rule, start, end, per_week: float
) -> Calibration:
    """Read the rule's data for [start, end), score it once and calibrate it."""
    first, last = minute_of(start), minute_of(end)
    scored_at = at_step(rule, STEPS[0])  # scores do not depend on the threshold
    with engine.connect() as conn:
        data = metric_data(conn, community_id, [scored_at], first, last)
    results = backtest(scored_at, data, first, last)
    return calibrate(rule, results, (last - first) / 1440, per_week)
