"""A share against its usual (a topic's share of all messages, the negative share of the
scored ones), judged at several time scales with the noise the scope's own history
shows. Pure numpy and pandas on `MetricData`."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from alerts.baselines import usual_share_and_dispersion
from alerts.rules import Rule, Scope
from alerts.windows import (
    WINDOW_FACTORS,
    MetricData,
    Scores,
    community_window,
    has_data,
    scoped,
    window_sums,
)

NEGATIVE_SIGMAS = 2.0  # a share's count is lessened by this many Poisson sigmas (times
TOPIC_SIGMAS = 3.0  # the dispersion its history shows): a topic's share swings more, from
# one conversation to the next, than the negative share does
STILL_RISING = 1.5  # a longer window counts while the rule's own shows this × the usual
WHOLE_SHARE = 1.0  # a share's limit stops here: where even all messages would not do


def scanned(series, rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """`series` of a share rule over its window and windows ×2, ×4 and ×8 longer, taking
    at each minute the one that scores highest with at least min_volume messages: a
    rise is judged at the time scale it has, so a slow one that a short window cannot
    tell from noise is still seen, while every window keeps its own noise allowance.
    A longer window counts only while the share in the rule's own window is still
    STILL_RISING (or the recovery threshold, if higher) times the usual, before the noise
    allowance: an episode ends
    when the rise does, not when it leaves the longest window, and an old rise in a long
    window does not fire again on an ordinary hour. (The longer windows are computed only
    when some minute is still rising.)"""
    chosen = series(rule, scope, data, start, end, keep_usual=True)
    best = _comparable(chosen, rule)
    usual = chosen.pop("usual")
    with np.errstate(invalid="ignore"):
        still_rising = chosen["value"] >= usual * max(rule.recovery, STILL_RISING)
    if not still_rising.any():
        return chosen
    for factor in WINDOW_FACTORS[1:]:
        longer = replace(rule, window_minutes=rule.window_minutes * factor)
        scores = series(longer, scope, data, start, end)
        score = np.where(still_rising, _comparable(scores, rule), -np.inf)
        better = score > best
        chosen = {name: np.where(better, scores[name], values) for name, values in chosen.items()}
        best = np.where(better, score, best)
    return chosen


def _comparable(scores: Scores, rule: Rule) -> np.ndarray:
    """The scores where their guard passes, else -inf (NaN: no data, also -inf)."""
    score = scores["score"]
    passes = (scores["guard"] >= rule.min_volume) & ~np.isnan(score)
    return np.where(passes, score, -np.inf)


def share_series(
    rule: Rule, scope: Scope, data: MetricData, start: int, end: int, keep_usual: bool = False
):
    """score_series of a topic's share of all messages: the value is the share in the
    window; with baseline_ratio the score is that share, less TOPIC_SIGMAS sigmas of the
    topic's count, ÷ the topic's usual share: its share of all messages over the
    SHARE_BASELINE_DAYS before the window (none while the community has fewer than
    MIN_SHARE_BASELINE_MESSAGES there). The guard is the topic's own count, so min_volume
    asks for that many of its messages. With keep_usual, "usual" holds the usual share."""
    minutes = np.arange(start, end, dtype=np.int64)
    window = rule.window_minutes
    topic_rows, topic_hours = scoped(scope, data)
    everything, total = community_window(data, start - window, end, window)
    topic = window_sums(topic_rows, start - window, end, window)["count"]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(total > 0, topic / total, np.nan)
        usual, spread = usual_share_and_dispersion(
            topic_hours, everything, (minutes - window) // 60, block_hours=-(-window // 60)
        )
        if rule.condition == "baseline_ratio":
            score, limit = _ratio_to_usual(
                topic, total, usual, spread, rule.threshold, TOPIC_SIGMAS
            )
        else:
            score, limit = value, np.full(len(minutes), rule.threshold)
    score = np.where(has_data(everything, minutes), score, np.nan)
    scores = {"minute": minutes, "value": value, "score": score, "guard": topic, "limit": limit}
    return {**scores, "usual": usual} if keep_usual else scores


def negative_ratio_series(
    rule: Rule, scope: Scope, data: MetricData, start: int, end: int, keep_usual: bool = False
):
    """score_series of the negative share against its usual: the share of the scored
    messages in the window that are negative, less NEGATIVE_SIGMAS Poisson sigmas of the
    negative count, ÷ the scope's negative share over the SHARE_BASELINE_DAYS before. A
    community that always grumbles is judged against its own grumbling. With keep_usual,
    "usual" holds the usual share."""
    minutes = np.arange(start, end, dtype=np.int64)
    window = rule.window_minutes
    rows, hours = scoped(scope, data)
    sums = window_sums(rows, start - window, end, window)
    negative, scored = sums["negative"], sums["scored"]
    before = (minutes - window) // 60
    usual, spread = usual_share_and_dispersion(
        hours,
        hours,
        before,
        part="negative_count",
        whole="sentiment_count",
        block_hours=-(-window // 60),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(scored > 0, negative / scored, np.nan)
        score, limit = _ratio_to_usual(
            negative, scored, usual, spread, rule.threshold, NEGATIVE_SIGMAS
        )
    score = np.where(has_data(hours, minutes) & (scored > 0), score, np.nan)
    scores = {
        "minute": minutes,
        "value": value,
        "score": score,
        "guard": sums["count"],
        "limit": limit,
    }
    return {**scores, "usual": usual} if keep_usual else scores


def _ratio_to_usual(part, whole, usual, dispersion, threshold, sigmas):
    """(score, limit) of a share against its usual share: the share is first lessened by
    `sigmas` sigmas of its count (Poisson, times the dispersion its history shows),
    so that a few messages at a quiet hour, or one conversation, do not double it; NaN
    where there is no usual share yet. The limit is the share itself must pass for the
    score to reach `threshold` (the count k with k - sigmas·√(dispersion·k) equal to
    threshold × usual × whole, over whole, at most 1): a chart's line that the share
    crosses when, and only when, the rule's score does."""
    sigma = np.sqrt(dispersion * part)
    surely = np.maximum(part - sigmas * sigma, 0) / np.where(whole > 0, whole, 1)
    ratio = np.where(usual > 0, surely / usual, np.where(surely > 0, np.inf, 1.0))
    allowance = sigmas * np.sqrt(dispersion)
    with np.errstate(invalid="ignore"):
        root = (allowance + np.sqrt(allowance**2 + 4 * threshold * usual * whole)) / 2
        limit = np.where(whole > 0, root**2 / np.where(whole > 0, whole, 1), np.nan)
    # a share cannot pass 100%: where even that would not do, the line stays at the top
    return np.where(np.isnan(usual), np.nan, ratio), np.minimum(limit, WHOLE_SHARE)
