"""What the Thresholds and Alerts pages need to edit a rule and read its backtest: the
rule's vocabulary (metrics, conditions, scopes, severities), building a rule from the
form's fields, and the totals of a backtest."""

from __future__ import annotations

from datetime import datetime

from alerts.backtest import ScopeBacktest, summary
from alerts.rules import (
    CONDITIONS,
    DIRECTIONS,
    METRICS,
    SCOPES,
    SEVERITIES,
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
