"""Each rule's score, minute by minute. Pure numpy and pandas on `MetricData`.

Times are whole minutes since the Unix epoch (UTC). The score at minute `t` looks at the
window `[t - W, t)`, so the live evaluator at `t` and a backtest replaying `t` compute the
same number from the same rows. Baselines (the same hour of the week in the previous
eight weeks) come from the hourly rollups, forecasts from the stored forecast points.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from alerts.baselines import rolling, usual_share_and_dispersion
from alerts.emerging_scores import emerging_series
from alerts.forecast_scores import band_distance, predicted_peak, predicted_ratio
from alerts.member_scores import weekly_series
from alerts.rules import COUNT_METRICS, MEMBER_METRICS, SHARE_METRICS, Rule, Scope
from alerts.share_scores import negative_ratio_series, scanned, share_series
from alerts.silence import ended_in, silence_series, without_silent_sources
from alerts.windows import (
    DROP_WINDOW_FACTORS,
    WINDOW_FACTORS,
    MetricData,
    Rows,
    Scores,
    community_hours,
    count_baseline,
    has_data,
    kept_baseline,
    per_minute,
    scoped,
    window_sums,
)

MEMBER_CAP = 10  # one member's messages in a window count toward a surge up to this
DROP_SIGMAS = 1.5  # a drop's count is raised by this many Poisson sigmas before the ratio


def score_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int) -> pd.DataFrame:
    """Per minute t in [start, end): value (the metric), score (what the threshold is
    compared with), guard (the volume the minimum-volume guard checks) and limit (the
    threshold in the metric's units, for charts). NaN score: no data."""
    return pd.DataFrame(scores_of(rule, scope, data, start, end))


def scores_of(rule: Rule, scope: Scope, data: MetricData, start: int, end: int) -> Scores:
    """score_series as plain arrays (the live cycle's form)."""
    if rule.metric in ("topic_share", "kind_share") and rule.condition == "baseline_ratio":
        return scanned(share_series, rule, scope, data, start, end)
    if rule.metric in ("topic_share", "kind_share"):
        return share_series(rule, scope, data, start, end)
    if rule.metric in SHARE_METRICS and rule.condition == "baseline_ratio":
        return scanned(negative_ratio_series, rule, scope, data, start, end)
    if rule.metric == "silent_sources":
        return silence_series(rule, scope, data, start, end)
    if rule.metric == "emerging_term":
        return emerging_series(rule, scope, data, start, end)
    if rule.metric in MEMBER_METRICS:
        return weekly_series(rule, scope, data, start, end)
    if widens(rule):
        return _widened_series(rule, scope, data, start, end)
    return _count_series(rule, scope, data, start, end)


def widens(rule: Rule) -> bool:
    """Whether the rule's window widens until enough messages are due (a drop rule)."""
    return rule.direction == "below" and rule.metric in COUNT_METRICS and rule.min_volume > 0


def scans(rule: Rule) -> bool:
    """Whether the rule looks at several windows at once (a share against its usual)."""
    return rule.metric in SHARE_METRICS and rule.condition == "baseline_ratio"


def reach_minutes(rule: Rule) -> int:
    """How far before a minute the rule reads messages: its window, or its widest."""
    if widens(rule):
        return rule.window_minutes * DROP_WINDOW_FACTORS[-1]
    return rule.window_minutes * (WINDOW_FACTORS[-1] if scans(rule) else 1)


def _with_topic_dispersion(data, topic_hours, start, end, window, expected, sigma):
    """A topic count's sigma with its Poisson part scaled by how much more the topic's
    messages cluster than Poisson counts would (its share's dispersion over the week
    before, at the window's scale): a topic comes in conversations, and one conversation
    is not a spike."""
    minutes = np.arange(start, end, dtype=np.int64)
    everything = community_hours(data)
    _, dispersion = usual_share_and_dispersion(
        topic_hours, everything, (minutes - window) // 60, block_hours=-(-window // 60)
    )
    extra = np.nan_to_num(expected) * (dispersion - 1)
    return np.sqrt(sigma**2 + extra)


def _widened_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of a drop rule whose window is widened (×2, ×4 ... ×32) at the minutes
    where fewer than min_volume messages are due in it: a small community's drop is
    judged over the hours that hold enough messages to tell, not never. (A wider window
    is computed only when some minute needs it.)"""
    first = _count_series(rule, scope, data, start, end)
    chosen = {name: values.copy() for name, values in first.items()}
    short = chosen["guard"] < rule.min_volume
    for factor in DROP_WINDOW_FACTORS[1:]:
        if not short.any():
            break
        wider = replace(rule, window_minutes=rule.window_minutes * factor)
        widened = _count_series(wider, scope, data, start, end)
        enough = widened["guard"] >= rule.min_volume
        taken = short & (enough | (factor == DROP_WINDOW_FACTORS[-1]))  # the widest: as it is
        for name, values in chosen.items():
            values[taken] = widened[name][taken]
        short = short & ~enough
    return chosen


def _count_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int) -> Scores:
    minutes = np.arange(start, end, dtype=np.int64)
    window = rule.window_minutes
    rows, hours = scoped(scope, data)
    sums = window_sums(rows, start - window, end, window)
    value = _metric_value(rule, sums, rows, minutes, window)
    if rule.metric in ("volume", "topic_volume") and rule.direction == "above":
        value = value - _beyond_member_cap(rows, start - window, end, window)
    known = _known(data, scope, hours, start, end)
    baseline = kept_baseline(data, ("scope", scope.kind, scope.value))
    expected, sigma = count_baseline(rule, hours, start - window, end, window, baseline)
    if scope.kind == "topic" and rule.condition == "zscore":
        sigma = _with_topic_dispersion(data, hours, start, end, window, expected, sigma)
    if rule.direction == "below" and rule.metric in COUNT_METRICS:
        expected = without_silent_sources(rule, scope, data, start, end, expected)
        ended = ended_in(data, start, end)
        expected = np.where(ended, np.nan, expected)  # no drop once the data has ended
    score, limit = _score(rule, scope, data, value, expected, sigma, minutes, hours)
    guard = sums["count"]
    if rule.metric == "predicted_spike":  # what its label names: the forecast's ratio
        value, guard = score, predicted_peak(scope, data, minutes)
    elif rule.direction == "below":
        guard = np.where(np.isnan(expected), guard, expected)
    score = np.where(known, score, np.nan)
    return {"minute": minutes, "value": value, "score": score, "guard": guard, "limit": limit}


def _known(data: MetricData, scope: Scope, hours: pd.DataFrame, start: int, end: int):
    """has_data of the scope's minutes, once per scope and range (every window of it)."""
    key = ("known", scope.kind, scope.value, start, end)
    if key not in data.shared:
        data.shared[key] = has_data(hours, np.arange(start, end, dtype=np.int64))
    return data.shared[key]


def _beyond_member_cap(rows: Rows, first: int, end: int, window: int) -> np.ndarray:
    """Messages over MEMBER_CAP that one human member wrote in each window: a surge is
    many people, so one member's flood counts only up to the cap (bots and bridges,
    which relay many people, are not capped). Only members who ever wrote more than the
    cap within one window are counted minute by minute (few: the others add nothing)."""
    size = end - first - window
    excess = np.zeros(max(size, 0))
    member, minute = _human_messages(rows, first, end)
    if len(minute) <= MEMBER_CAP:
        return excess
    by_member = np.lexsort((minute, member))
    member, minute = member[by_member], minute[by_member]
    # the message MEMBER_CAP places later is the same member's, within one window
    crowded = (member[MEMBER_CAP:] == member[:-MEMBER_CAP]) & (
        minute[MEMBER_CAP:] - minute[:-MEMBER_CAP] < window
    )
    for flooding in np.unique(member[MEMBER_CAP:][crowded]):
        own = rolling(per_minute(minute[member == flooding], None, first, end), window)[:size]
        excess += np.maximum(own - MEMBER_CAP, 0)
    return excess


def _human_messages(rows: Rows, first: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    """(member_id, minute) of the messages human members wrote in minutes [first, end)."""
    minute = np.asarray(rows["minute"], dtype=np.int64)
    kept = ~np.asarray(rows["is_bot"], dtype=bool) & (minute >= first) & (minute < end)
    return np.asarray(rows["member_id"])[kept], minute[kept]


def _metric_value(
    rule: Rule, sums: dict[str, np.ndarray], rows: Rows, minutes: np.ndarray, window: int
) -> np.ndarray:
    metric = rule.metric
    if metric in ("volume", "topic_volume", "forecast_deviation", "predicted_spike"):
        return sums["count"]
    if metric == "active_members":
        return distinct_authors(rows, minutes, window)
    scored = np.where(sums["scored"] > 0, sums["scored"], np.nan)
    if metric == "avg_sentiment":
        return sums["sentiment"] / scored
    return sums["negative"] / scored  # negative_share, topic_negative_share


def distinct_authors(rows: Rows | pd.DataFrame, minutes: np.ndarray, window: int) -> np.ndarray:
    """Human members who wrote in [t - window, t), for each t in `minutes`.

    A message at minute m makes its author active for t in (m, m + window]; cutting each
    interval at the author's next message makes one author's intervals disjoint, so a
    running sum of +1/-1 marks counts each author once."""
    first, size = int(minutes[0]) if len(minutes) else 0, len(minutes)
    # only messages that make someone active at one of the minutes, or cut such a stretch
    member, minute = _human_messages(rows, first - window - 1, first + size)
    by_member = np.lexsort((minute, member))
    member, minute = member[by_member], minute[by_member]
    repeated = np.zeros(len(member), dtype=bool)
    repeated[1:] = (member[1:] == member[:-1]) & (minute[1:] == minute[:-1])
    member, minute = member[~repeated], minute[~repeated]  # an author's minute once
    starts = minute + 1
    ends = starts + window
    same_author_next = member[1:] == member[:-1]
    next_start = np.append(starts[1:], np.iinfo(np.int64).max)
    ends = np.where(np.append(same_author_next, False), np.minimum(ends, next_start), ends)
    marks = np.zeros(size + 1)
    np.add.at(marks, np.clip(starts - first, 0, size), 1)
    np.add.at(marks, np.clip(ends - first, 0, size), -1)
    return np.cumsum(marks)[:size]


def _surely_below(raised_limit: np.ndarray) -> np.ndarray:
    """The count v a drop's window must fall below for v + DROP_SIGMAS·√v, its count
    raised by the noise allowance, to fall below `raised_limit` (expected × threshold):
    the line a chart draws, crossed when the rule's score crosses its threshold."""
    with np.errstate(invalid="ignore"):
        root = (-DROP_SIGMAS + np.sqrt(DROP_SIGMAS**2 + 4 * np.maximum(raised_limit, 0))) / 2
    return np.where(np.isnan(raised_limit), np.nan, root**2)


def _score(rule, scope, data, value, expected, sigma, minutes, hours):
    """(score, limit): what the threshold is compared with, and the threshold in metric units."""
    threshold = rule.threshold
    if rule.condition == "baseline_ratio":
        limit = expected * threshold
        if rule.direction == "below":  # surely below: a few messages short is noise
            value = value + DROP_SIGMAS * np.sqrt(np.maximum(value, 0))
            limit = _surely_below(limit)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(expected > 0, value / expected, np.where(value > 0, np.inf, 1.0))
        return np.where(np.isnan(expected), np.nan, score), limit
    if rule.condition == "zscore":
        safe = np.where(sigma > 0, sigma, 1.0)
        return (value - expected) / safe, expected + threshold * safe
    if rule.condition == "forecast_band" or rule.metric == "forecast_deviation":
        return band_distance(rule, scope, data, value, minutes)
    if rule.metric == "predicted_spike":
        ratio = predicted_ratio(scope, data, minutes, hours, rule.min_volume)
        return ratio, np.full(len(minutes), threshold)
    return value, np.full(len(minutes), threshold)
