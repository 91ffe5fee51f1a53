"""What the Thresholds and Alerts pages need to edit a rule and read its backtest: the
rule's vocabulary (metrics, conditions, scopes, severities), building a rule from the
form's fields, and the totals of a backtest."""

from __future__ import annotations

from datetime import datetime

from alerts.backtest import ScopeBacktest, summary
from alerts.baselines import BASELINE_WEEKS, MIN_BASELINE_WEEKS, WEEK_HOURS
from alerts.calibrate import CALIBRATION_DAYS, SHIPPED, calibratable
from alerts.forecast_scores import MIN_NORMAL_DAYS
from alerts.rules import (
    CONDITIONS,
    COUNT_METRICS,
    DIRECTIONS,
    METRICS,
    SCOPES,
    SEVERITIES,
    SHARE_METRICS,
    Rule,
    RuleValidationError,
    rule_from_fields,
)
from data_access.alert_data import minute_of

__all__ = [
    "BLANK",
    "CONDITIONS",
    "DIRECTIONS",
    "METRICS",
    "SCOPES",
    "SEVERITIES",
    "Rule",
    "RuleValidationError",
    "backtest_totals",
    "baseline_note",
    "calibration_text",
    "rule_from_fields",
]

BLANK = Rule("", "volume", "zscore", "above", 4.0, min_volume=10)  # a new rule's form


def backtest_totals(results: list[ScopeBacktest], end: datetime) -> dict[str, float]:
    """Episodes, total and longest firing minutes of a backtest that ran up to `end` (an
    episode still open counts up to it)."""
    return summary(results, minute_of(end))


def uses_sentiment(rule: Rule) -> bool:
    """Whether the messages that drove the rule are the most negative ones (else the newest)."""
    return "negative" in rule.metric or "sentiment" in rule.metric


def calibration_text(rule: Rule, per_week: float) -> str | None:
    """How the rule's threshold is kept: calibrated daily to the budget, pinned, or by
    hand (a rule of one's own); None for a rule calibration never touches."""
    shipped = SHIPPED.get(rule.name)
    if rule.pinned:
        return "Pinned: calibration leaves this threshold as set."
    if not calibratable(rule) or shipped is None:
        return None
    return (
        f"Calibrated: each day the worker sets this threshold from the community's last "
        f"{CALIBRATION_DAYS} days, the least strict of {shipped.threshold:g} (as shipped) "
        f"and stricter ones that would have fired at most {per_week:g} time(s) a week; "
        "the backtest below shows what the current one would have done."
    )


def baseline_note(
    rule: Rule, extent: tuple[datetime, datetime] | None, has_forecasts: bool = True
) -> str | None:
    """What the rule compares with, and how much history the community has for it (the
    first and last hour with messages); None for a rule on the value itself.
    `has_forecasts`: whether the community has any stored forecast yet."""
    if rule.condition == "forecast_band" or rule.metric in (
        "forecast_deviation",
        "predicted_spike",
    ):
        if not has_forecasts:
            return (
                "No forecasts yet: this rule says nothing until the worker has made them "
                "(it fits them after data arrives, every 15 minutes; `ecg forecast` makes "
                "them now)."
            )
        if rule.metric == "predicted_spike":
            return (
                "Compared with the stored forecast of the scope (the worker refits it); "
                f"normal is the same hour on the days before, from {MIN_NORMAL_DAYS} days "
                "of the scope's history."
            )
        return "Compared with the stored forecast of the scope (the worker refits it)."
    if rule.metric == "emerging_term":
        return (
            "Each word's messages in the last 6 hours against its own usual of the week "
            "before, in sigmas (as Topic heat's Emerging now): the worker notes what is "
            "emerging every 15 minutes, and the rule and its backtest read those notes, so "
            "its history starts when the worker first ran."
        )
    if rule.condition == "baseline_ratio" and rule.metric == "topic_share":
        return "Compared with the topic's share of all messages in the 7 days before."
    if rule.condition == "baseline_ratio" and rule.metric == "kind_share":
        return "Compared with the kind's share of all messages in the 7 days before."
    if rule.condition == "baseline_ratio" and rule.metric in SHARE_METRICS:
        return "Compared with the scope's negative share of scored messages in the 7 days before."
    if rule.condition not in ("baseline_ratio", "zscore") or rule.metric not in COUNT_METRICS:
        return None
    if extent is None:
        return "No history yet: the rule has nothing to compare with."
    hours = (extent[1] - extent[0]).total_seconds() / 3600 + 1
    if hours < MIN_BASELINE_WEEKS * WEEK_HOURS:
        return (
            f"Baseline: the same hour on the days before ({hours / 24:.0f} days of history); "
            f"the same hour of the week takes over after {MIN_BASELINE_WEEKS} weeks."
        )
    weeks = min(BASELINE_WEEKS, int(hours // WEEK_HOURS))
    return f"Baseline: the same hour of the week in the last {weeks} weeks with data."
