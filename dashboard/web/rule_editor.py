"""What the Thresholds and Alerts pages need to edit a rule and read its backtest: the
rule's vocabulary (metrics, conditions, scopes, severities), building a rule from the
form's fields, and the totals of a backtest."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from alerts.backtest import ScopeBacktest, summary
from alerts.baselines import BASELINE_WEEKS, MIN_BASELINE_WEEKS, SHARE_BASELINE_DAYS, WEEK_HOURS
from alerts.calibrate import CALIBRATION_DAYS, SHIPPED, calibratable
from alerts.forecast_scores import MIN_NORMAL_DAYS
from alerts.rules import (
    CONDITIONS,
    COUNT_METRICS,
    DIRECTIONS,
    MEMBER_METRICS,
    METRICS,
    SCOPES,
    SEVERITIES,
    SHARE_METRICS,
    Rule,
    RuleValidationError,
    rule_from_fields,
)
from alerts.share_scores import WHOLE_SHARE
from dashboard.charts.alerts import local_minutes
from dashboard.i18n import N_, _, ngettext, number, percent
from data_access.alert_data import minute_of

__all__ = [
    "BLANK",
    "CONDITION_NAMES",
    "CONDITIONS",
    "DIRECTION_NAMES",
    "DIRECTIONS",
    "METRIC_NAMES",
    "METRICS",
    "SCOPE_NAMES",
    "SCOPES",
    "SEVERITIES",
    "SEVERITY_NAMES",
    "Rule",
    "RuleValidationError",
    "backtest_totals",
    "baseline_note",
    "calibration_text",
    "rule_from_fields",
    "rule_sentence",
    "worded",
]

BLANK = Rule("", "volume", "zscore", "above", 4.0, min_volume=10)  # a new rule's form

# the vocabulary of alerts.rules, marked for translation (a test checks they match)
METRIC_NAMES = {
    "volume": N_("message volume"),
    "active_members": N_("active members"),
    "avg_sentiment": N_("average sentiment"),
    "negative_share": N_("negative share"),
    "topic_volume": N_("topic volume"),
    "topic_negative_share": N_("topic negative share"),
    "topic_share": N_("topic share of all messages"),
    "kind_share": N_("share of one kind of message (question, bug report…) of all messages"),
    "forecast_deviation": N_("deviation from the forecast band"),
    "predicted_spike": N_("predicted spike (forecast peak ÷ normal, next 24 h)"),
    "silent_sources": N_("sources gone silent (nothing where 20 messages were due)"),
    "emerging_term": N_("emerging term (the strongest new word's rise above its usual, in sigmas)"),
    "vital_newly_at_risk": N_("vital members newly at risk (in the last complete week)"),
    "segment_size": N_("people in a saved segment (in the last complete week)"),
}
CONDITION_NAMES = {
    "threshold": N_("the value itself"),
    "baseline_ratio": N_("ratio to the same hour of the week"),
    "zscore": N_("z-score against the same hour of the week"),
    "forecast_band": N_("distance from the forecast band (in band half-widths)"),
}
SCOPE_NAMES = {
    "all": N_("everything"),
    "platform": N_("one platform"),
    "channel": N_("one channel"),
    "topic": N_("one topic"),
    "kind": N_("one kind of message"),
    "segment": N_("one saved segment of members"),
    "each_topic": N_("each topic"),
    "each_channel": N_("each channel"),
}
DIRECTION_NAMES = {"above": N_("above"), "below": N_("below")}
SEVERITY_NAMES = {"info": N_("info"), "warning": N_("warning"), "critical": N_("critical")}


# metrics whose values are counts (of messages, people, sources)
WHOLE_METRICS = {
    *COUNT_METRICS,
    "forecast_deviation",  # its value is the count, its score the distance from the band
    "silent_sources",
    "vital_newly_at_risk",
    "segment_size",
}


def worded(names: dict[str, str]) -> dict[str, str]:
    """One of the vocabularies above in this run's language, for a format_func."""
    return {key: _(name) for key, name in names.items()}


def rule_sentence(rule: Rule) -> str:
    """When the rule fires, in this run's language (alerts.rules.Rule.describe in words a
    reader of the interface reads)."""
    metric = _(METRIC_NAMES[rule.metric])
    if rule.condition == "baseline_ratio":
        usual = (
            _("usual of the 7 days before")
            if rule.metric in SHARE_METRICS
            else _("usual for the hour")
        )
        what = f"{metric} ÷ {usual}"
    else:
        what = {
            "threshold": metric,
            "zscore": _("z-score of {metric}").format(metric=metric),
            "forecast_band": _("{metric} vs forecast band (half-widths)").format(metric=metric),
        }[rule.condition]
    sentence = _("{what} over {window} min {direction} {threshold}").format(
        what=what,
        window=rule.window_minutes,
        direction=_(DIRECTION_NAMES[rule.direction]),
        threshold=f"{rule.threshold:g}",
    )
    if rule.for_minutes:
        sentence = _("{sentence} for {minutes} min").format(
            sentence=sentence, minutes=rule.for_minutes
        )
    return _("{sentence} ({scope})").format(
        sentence=sentence, scope=_(SCOPE_NAMES[rule.scope.kind])
    )


def value_text(metric: str | None, value: float) -> str:
    """An episode's peak as its metric reads: a share in per cent (0.678 is 67.8%), a
    count of messages, people or sources whole, an average sentiment signed, a forecast's
    ratio as ×; a rule since deleted (no metric): the number as stored."""
    if value is None or pd.isna(value):
        return ""
    if metric in SHARE_METRICS:
        return percent(value, 1)
    if metric in WHOLE_METRICS:
        return number(value)
    if metric == "avg_sentiment":
        return f"{value:+.3f}"
    if metric == "predicted_spike":
        return f"{number(value, 2)}×"
    return number(value, 3 if metric is None else 2)


def backtest_totals(results: list[ScopeBacktest], end: datetime) -> dict[str, float]:
    """Episodes, total and longest firing minutes of a backtest that ran up to `end` (an
    episode still open counts up to it)."""
    return summary(results, minute_of(end))


def episodes_frame(results, timezone: str, until: datetime) -> pd.DataFrame:
    """The episodes of a backtest that ran up to `until` (one still open counts its
    minutes up to it)."""
    last = minute_of(until)
    rows = [
        {
            "scope": r.label,
            "start": local_minutes(pd.Series([e.start]), timezone)[0],
            "end": local_minutes(pd.Series([e.end]), timezone)[0] if e.end is not None else pd.NaT,
            "minutes": (e.end if e.end is not None else last) - e.start,
            "peak": round(e.peak_value, 3),
        }
        for r in results
        for e in r.episodes
    ]
    return pd.DataFrame(rows, columns=["scope", "start", "end", "minutes", "peak"])


def uses_sentiment(rule: Rule) -> bool:
    """Whether the messages that drove the rule are the most negative ones (else the newest)."""
    return "negative" in rule.metric or "sentiment" in rule.metric


def calibration_text(rule: Rule, per_week: float) -> str | None:
    """How the rule's threshold is kept: calibrated daily to the budget, pinned, or by
    hand (a rule of one's own); None for a rule calibration never touches."""
    shipped = SHIPPED.get(rule.name)
    if rule.pinned:
        return _("Pinned: calibration leaves this threshold as set.")
    if not calibratable(rule) or shipped is None:
        return None
    return ngettext(
        "Calibrated: each day the worker sets this threshold from the community's last "
        "{days} days, the least strict of {shipped} (as shipped) and stricter ones that "
        "would have fired at most {budget} time a week; the backtest below shows what "
        "the current one would have done.",
        "Calibrated: each day the worker sets this threshold from the community's last "
        "{days} days, the least strict of {shipped} (as shipped) and stricter ones that "
        "would have fired at most {budget} times a week; the backtest below shows what "
        "the current one would have done.",
        1 if per_week == 1 else 2,  # 0.5 times, 2 times: English says "times"
    ).format(days=CALIBRATION_DAYS, shipped=f"{shipped.threshold:g}", budget=f"{per_week:g}")


def deafness_note(rule: Rule, limits: pd.Series) -> str | None:
    """For a share rule whose threshold line stands at 100% somewhere in `limits`: why no
    share can fire it there (the 7 days it compares with hold a surge, in the usual share
    and, above all, in how much the share swings) and for how long. None otherwise."""
    if rule.metric not in ("topic_share", "kind_share") or not (limits >= WHOLE_SHARE).any():
        return None
    return _(
        "Where the threshold stands at 100%, no share could fire this rule: the {days} days "
        "it compares with hold a surge, in the usual share and even more in how far the "
        "share swings. It can fire again once the surge is more than {days} days old; "
        "until then, watch Topic heat."
    ).format(days=SHARE_BASELINE_DAYS)


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
            return _(
                "No forecasts yet: this rule says nothing until the worker has made them "
                "(it fits them after data arrives, every 15 minutes; `ecg forecast` makes "
                "them now)."
            )
        if rule.metric == "predicted_spike":
            return _(
                "Compared with the stored forecast of the scope (the worker refits it); "
                "normal is the same hour on the days before, from {days} days of the scope's "
                "history."
            ).format(days=MIN_NORMAL_DAYS)
        return _("Compared with the stored forecast of the scope (the worker refits it).")
    if rule.metric == "emerging_term":
        return _(
            "Each word's messages in the last 6 hours against its own usual of the week "
            "before, in sigmas (as Topic heat's Emerging now): the worker notes what is "
            "emerging every 15 minutes, and the rule and its backtest read those notes, so "
            "its history starts when the worker first ran."
        )
    if rule.metric in MEMBER_METRICS:
        return _(
            "Counted per complete week from the members' weeks the worker keeps (Members "
            "page): the value of a week holds from its end until the next week ends, so an "
            "alert on it lasts a week."
        )
    if rule.condition == "baseline_ratio" and rule.metric == "topic_share":
        return _("Compared with the topic's share of all messages in the 7 days before.")
    if rule.condition == "baseline_ratio" and rule.metric == "kind_share":
        return _("Compared with the kind's share of all messages in the 7 days before.")
    if rule.condition == "baseline_ratio" and rule.metric in SHARE_METRICS:
        return _(
            "Compared with the scope's negative share of scored messages in the 7 days before."
        )
    if rule.condition not in ("baseline_ratio", "zscore") or rule.metric not in COUNT_METRICS:
        return None
    if extent is None:
        return _("No history yet: the rule has nothing to compare with.")
    hours = (extent[1] - extent[0]).total_seconds() / 3600 + 1
    if hours < MIN_BASELINE_WEEKS * WEEK_HOURS:
        return _(
            "Baseline: the same hour on the days before ({days} days of history); the same "
            "hour of the week takes over after {weeks} weeks."
        ).format(days=f"{hours / 24:.0f}", weeks=MIN_BASELINE_WEEKS)
    weeks = min(BASELINE_WEEKS, int(hours // WEEK_HOURS))
    return _("Baseline: the same hour of the week in the last {weeks} weeks with data.").format(
        weeks=weeks
    )
