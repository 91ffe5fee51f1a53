"""The alert rule: what it watches, when it fires, and the validation that guards it.

A rule turns a metric of a scope into a *score* at each minute (the metric itself, its
ratio to the same hour of the week, its z-score against that hour, or its distance from
the forecast band in band half-widths) and compares the score with a threshold. The
pending period, recovery threshold (hysteresis) and keep-firing period shape the
lifecycle (see `alerts.evaluate`). Rules are plain values; `rule_from_fields` builds one
from what a user typed and says which field is wrong.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from analysis.kinds import KINDS

METRICS = {
    "volume": "message volume",
    "active_members": "active members",
    "avg_sentiment": "average sentiment",
    "negative_share": "negative share",
    "topic_volume": "topic volume",
    "topic_negative_share": "topic negative share",
    "topic_share": "topic share of all messages",
    "kind_share": "share of one kind of message (question, bug report…) of all messages",
    "forecast_deviation": "deviation from the forecast band",
    "predicted_spike": "predicted spike (forecast peak ÷ normal, next 24 h)",
    "silent_sources": "sources gone silent (nothing where 20 messages were due)",
    "emerging_term": "emerging term (the strongest new word's rise above its usual, in sigmas)",
    "vital_newly_at_risk": "vital members newly at risk (in the last complete week)",
    "segment_size": "people in a saved segment (in the last complete week)",
}
COUNT_METRICS = {"volume", "active_members", "topic_volume"}
TOPIC_METRICS = {"topic_volume", "topic_negative_share", "topic_share"}
# baseline_ratio of a share: against its usual share over the 7 days before
SHARE_METRICS = {"topic_share", "negative_share", "topic_negative_share", "kind_share"}
KIND_SCOPE_METRICS = {"volume", "kind_share"}  # what a kind scope can watch

FORECAST_METRICS = {"forecast_deviation", "predicted_spike"}
# read week by week from the members' stored weeks (dashboard.member_lifecycle)
MEMBER_METRICS = {"vital_newly_at_risk", "segment_size"}

CONDITIONS = {
    "threshold": "the value itself",
    "baseline_ratio": "ratio to the same hour of the week",
    "zscore": "z-score against the same hour of the week",
    "forecast_band": "distance from the forecast band (in band half-widths)",
}
DIRECTIONS = ("above", "below")
SCOPES = {
    "all": "everything",
    "platform": "one platform",
    "channel": "one channel",
    "topic": "one topic",
    "kind": "one kind of message",
    "segment": "one saved segment of members",
    "each_topic": "each topic",
    "each_channel": "each channel",
}
SEVERITIES = ("info", "warning", "critical")
MAX_WINDOW_MINUTES = 7 * 24 * 60
MAX_PERIOD_MINUTES = 7 * 24 * 60


class RuleValidationError(ValueError):
    """A rule field the user must correct: `field` names it, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Scope:
    kind: str = "all"
    value: str | int | None = None  # the platform name, the channel or topic id, the kind
    # or the segment's name

    def label(self, names: dict[tuple[str, Any], str] | None = None) -> str:
        if self.kind in ("all", "each_topic", "each_channel"):
            return SCOPES[self.kind]
        shown = (names or {}).get((self.kind, self.value), self.value)
        return f"{self.kind} {shown}"


@dataclass(frozen=True)
class Rule:
    name: str
    metric: str
    condition: str
    direction: str
    threshold: float
    window_minutes: int = 60
    scope: Scope = Scope()
    for_minutes: int = 0
    recovery_threshold: float | None = None  # None: recover as soon as the threshold is no
    keep_firing_minutes: int = 0  # longer crossed
    min_volume: int = 0
    severity: str = "warning"
    enabled: bool = True
    runbook: str = ""
    pinned: bool = False  # an analyst set the threshold: calibration leaves it (calibrate.py)
    id: int | None = None
    version: int = 0

    @property
    def recovery(self) -> float:
        return self.threshold if self.recovery_threshold is None else self.recovery_threshold

    def breaches(self, score: float) -> bool:
        return score > self.threshold if self.direction == "above" else score < self.threshold

    def recovered(self, score: float) -> bool:
        return score <= self.recovery if self.direction == "above" else score >= self.recovery

    def describe(self) -> str:
        what = {
            "threshold": METRICS[self.metric],
            "baseline_ratio": f"{METRICS[self.metric]} ÷ usual "
            + ("of the 7 days before" if self.metric in SHARE_METRICS else "for the hour"),
            "zscore": f"z-score of {METRICS[self.metric]}",
            "forecast_band": f"{METRICS[self.metric]} vs forecast band (half-widths)",
        }[self.condition]
        held = f" for {self.for_minutes} min" if self.for_minutes else ""
        return (
            f"{what} over {self.window_minutes} min {self.direction} "
            f"{self.threshold:g}{held} ({SCOPES[self.scope.kind]})"
        )


def rule_to_dict(rule: Rule) -> dict:
    """The rule's definition as JSON-ready values (without id and version)."""
    data = asdict(rule)
    data.pop("id")
    data.pop("version")
    return data


def rule_from_dict(data: dict, rule_id: int | None = None, version: int = 0) -> Rule:
    fields = dict(data)
    fields["scope"] = Scope(**fields.get("scope", {}))
    return validated(Rule(**fields, id=rule_id, version=version))


def rule_from_fields(**fields: Any) -> Rule:
    """A validated rule from user input: numbers may arrive as text, blanks as None."""
    scope = fields.pop("scope", Scope())
    if isinstance(scope, dict):
        scope = Scope(**scope)
    for name in ("threshold", "recovery_threshold"):
        if name in fields:
            fields[name] = _number(name, fields[name], optional=name == "recovery_threshold")
    for name in ("window_minutes", "for_minutes", "keep_firing_minutes", "min_volume"):
        if name in fields:
            fields[name] = _whole(name, fields[name])
    try:
        rule = Rule(scope=scope, **fields)
    except TypeError as error:
        raise RuleValidationError("rule", str(error)) from error
    return validated(rule)


def validated(rule: Rule) -> Rule:
    """The rule if it makes sense, else RuleValidationError naming the first wrong field."""
    if not rule.name.strip():
        raise RuleValidationError("name", "a rule needs a name")
    if len(rule.name) > 100:
        raise RuleValidationError("name", "at most 100 characters")
    _one_of("metric", rule.metric, METRICS)
    _one_of("condition", rule.condition, CONDITIONS)
    _one_of("direction", rule.direction, DIRECTIONS)
    _one_of("severity", rule.severity, SEVERITIES)
    _one_of("scope", rule.scope.kind, SCOPES)
    _number("threshold", rule.threshold)
    if rule.recovery_threshold is not None:
        _number("recovery_threshold", rule.recovery_threshold)
        if rule.breaches(rule.recovery_threshold):
            side = "at most" if rule.direction == "above" else "at least"
            raise RuleValidationError(
                "recovery_threshold", f"must be on the recovered side: {side} {rule.threshold:g}"
            )
    if not 1 <= rule.window_minutes <= MAX_WINDOW_MINUTES:
        raise RuleValidationError("window_minutes", f"between 1 and {MAX_WINDOW_MINUTES} minutes")
    for name in ("for_minutes", "keep_firing_minutes"):
        if not 0 <= getattr(rule, name) <= MAX_PERIOD_MINUTES:
            raise RuleValidationError(name, f"between 0 and {MAX_PERIOD_MINUTES} minutes")
    if rule.min_volume < 0:
        raise RuleValidationError("min_volume", "cannot be negative")
    _check_combination(rule)
    return replace(rule, name=rule.name.strip())


def _check_combination(rule: Rule) -> None:
    _check_member_metric(rule)
    needs_topic = rule.metric in TOPIC_METRICS
    if needs_topic and rule.scope.kind not in ("topic", "each_topic"):
        raise RuleValidationError("scope", f"{METRICS[rule.metric]} needs a topic scope")
    if rule.scope.kind in ("platform", "channel", "topic") and rule.scope.value in (None, ""):
        raise RuleValidationError("scope", f"choose which {rule.scope.kind}")
    if rule.metric == "kind_share" and rule.scope.kind != "kind":
        raise RuleValidationError("scope", f"{METRICS[rule.metric]} needs a kind scope")
    if rule.scope.kind == "kind":
        if rule.scope.value not in KINDS:
            raise RuleValidationError("scope", f"choose a kind: {', '.join(KINDS)}")
        if rule.metric not in KIND_SCOPE_METRICS:
            raise RuleValidationError(
                "metric", "a kind of message is watched by its volume or its share"
            )
        if rule.condition == "forecast_band":
            raise RuleValidationError("condition", "kinds of message have no forecast")
    ratio_of_share = rule.condition == "baseline_ratio" and rule.metric in SHARE_METRICS
    counts_only = rule.condition in ("baseline_ratio", "zscore") and not ratio_of_share
    if counts_only and rule.metric not in COUNT_METRICS:
        raise RuleValidationError(
            "condition",
            f"{CONDITIONS[rule.condition]} applies to counts, not {METRICS[rule.metric]}",
        )
    if rule.condition == "forecast_band" and rule.metric not in ("volume", "topic_volume"):
        raise RuleValidationError("condition", "the forecast band applies to message volume")
    if rule.metric == "silent_sources" and rule.condition != "threshold":
        raise RuleValidationError("condition", "silent sources take a plain threshold")
    if rule.metric == "silent_sources" and rule.scope.kind in ("each_topic", "each_channel"):
        raise RuleValidationError(
            "scope", "sources are watched for everything, a platform or a channel"
        )
    if rule.metric == "emerging_term" and (
        rule.condition != "threshold" or rule.direction != "above"
    ):
        raise RuleValidationError("condition", "an emerging term takes a threshold to rise above")
    if rule.metric == "emerging_term" and rule.scope.kind != "all":
        raise RuleValidationError("scope", "emerging terms are read for the whole community")
    if rule.metric in FORECAST_METRICS and rule.condition != "threshold":
        raise RuleValidationError("condition", f"{METRICS[rule.metric]} takes a plain threshold")
    if rule.metric in FORECAST_METRICS and rule.scope.kind == "platform":
        raise RuleValidationError("scope", "forecasts exist for everything, a topic or a channel")
    if rule.condition == "baseline_ratio" and rule.threshold < 0:
        raise RuleValidationError("threshold", "a ratio cannot be negative")


def _check_member_metric(rule: Rule) -> None:
    if rule.metric == "segment_size" and rule.scope.kind != "segment":
        raise RuleValidationError("scope", "a segment's size needs a segment scope")
    if rule.scope.kind == "segment":
        if rule.metric != "segment_size":
            raise RuleValidationError("metric", "a segment is watched by its size")
        if not str(rule.scope.value or "").strip():
            raise RuleValidationError("scope", "choose which segment")
    if rule.metric == "vital_newly_at_risk" and rule.scope.kind != "all":
        raise RuleValidationError("scope", "members at risk are counted for the whole community")
    if rule.metric in MEMBER_METRICS and rule.condition != "threshold":
        raise RuleValidationError(
            "condition", f"{METRICS[rule.metric]} takes a plain threshold (a count of people)"
        )


def _one_of(field: str, value: str, allowed) -> None:
    if value not in allowed:
        raise RuleValidationError(field, f"unknown {field} {value!r}; one of {', '.join(allowed)}")


def _number(field: str, value: Any, optional: bool = False) -> float | None:
    if optional and (value is None or (isinstance(value, str) and not value.strip())):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RuleValidationError(field, f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise RuleValidationError(field, "must be a finite number")
    return number


def _whole(field: str, value: Any) -> int:
    number = _number(field, value)
    if number != int(number):
        raise RuleValidationError(field, f"{value!r} is not a whole number")
    return int(number)


DEFAULT_RULES = (
    Rule(
        name="Volume surge",
        metric="volume",
        condition="zscore",
        direction="above",
        threshold=6.0,
        recovery_threshold=3.0,
        window_minutes=30,
        for_minutes=10,
        keep_firing_minutes=15,
        min_volume=20,
        severity="critical",
        runbook="Find the thread that drives it (Live, newest messages); post a status "
        "update if it is an outage; bring in support if it is a complaint wave.",
    ),
    Rule(
        name="Negative-sentiment surge",
        metric="negative_share",
        condition="baseline_ratio",
        direction="above",
        threshold=1.5,
        recovery_threshold=1.2,
        window_minutes=120,
        for_minutes=15,
        keep_firing_minutes=30,
        min_volume=15,
        severity="critical",
        runbook="Read the most negative messages (Sentiment page); answer in the channel; "
        "escalate to the product owner named in the topic.",
    ),
    Rule(
        name="Topic spike",
        metric="topic_volume",
        condition="zscore",
        direction="above",
        threshold=6.0,
        recovery_threshold=3.0,
        window_minutes=60,
        scope=Scope("each_topic"),
        for_minutes=15,
        keep_firing_minutes=30,
        min_volume=15,
        severity="warning",
        runbook="Open the topic's drill-down (Topic heat) and check what changed.",
    ),
    Rule(
        name="Topic share surge",
        metric="topic_share",
        condition="baseline_ratio",
        direction="above",
        threshold=1.2,
        recovery_threshold=1.0,
        window_minutes=180,
        scope=Scope("each_topic"),
        for_minutes=60,
        keep_firing_minutes=60,
        min_volume=15,
        severity="warning",
        runbook="A topic takes a clearly larger share of the conversation than usual, even if "
        "the volume did not move: read its newest messages (Topic heat) to see what people ask.",
    ),
    Rule(
        name="Predicted topic spike",
        metric="predicted_spike",
        condition="threshold",
        direction="above",
        threshold=3.0,
        recovery_threshold=2.0,
        window_minutes=60,
        scope=Scope("each_topic"),
        for_minutes=60,
        keep_firing_minutes=60,
        min_volume=5,
        severity="info",
        runbook="A topic's forecast rises to three times its normal level within a day: "
        "prepare answers and staff for it.",
    ),
    Rule(
        name="Activity drop",
        metric="volume",
        condition="baseline_ratio",
        direction="below",
        threshold=0.2,
        recovery_threshold=0.5,
        window_minutes=10,
        for_minutes=10,
        keep_firing_minutes=15,
        min_volume=15,
        severity="warning",
        runbook="The community went quiet: check the platform's status, then what changed "
        "(an announcement, a moved channel). A source that stopped delivering is reported "
        "as Source silent instead, and this rule is not judged over its minutes.",
    ),
    Rule(
        name="Source silent",
        metric="silent_sources",
        condition="threshold",
        direction="above",
        threshold=0.5,
        recovery_threshold=0.5,
        window_minutes=1,
        severity="warning",
        runbook="A data problem, not a crisis: a source delivered nothing where about 20 "
        "messages were due. Check its import job, follower or ingest server (Import page, "
        "`ecg worker` log) and its credentials; the figures of the silent hours are low.",
    ),
)
