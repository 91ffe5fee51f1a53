"""What a count is compared with: the same hour of the week (or, in a young community,
of the days before), and a topic's usual share of all messages. Pure numpy over the
hourly rollups; hours are counted since the epoch."""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEK_HOURS = 7 * 24
BASELINE_WEEKS = 8
MIN_BASELINE_WEEKS = 2  # weeks with any message at that hour, before a weekly baseline
DAY_HOURS = 24
BASELINE_DAYS = 7  # a young community's baseline: the same hour on the days before
MIN_BASELINE_DAYS = 1  # days with any message at that hour, before a daily baseline
SHARE_BASELINE_DAYS = 7  # a topic's usual share: of all messages in the days before
MIN_SHARE_BASELINE_MESSAGES = 100  # fewer messages than this there: no usual share yet
LOOKBACK_HOURS = BASELINE_WEEKS * WEEK_HOURS  # a scope with nothing in it for this long: no data


def usual_share_and_dispersion(
    topic_hours: pd.DataFrame,
    all_hours: pd.DataFrame,
    before: np.ndarray,
    part: str = "messages",
    whole: str = "messages",
    block_hours: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """The share `part` of `topic_hours` holds of `whole` of `all_hours` (by default: a
    topic's share of all messages; or negative_count of sentiment_count) in the
    SHARE_BASELINE_DAYS of hours before each hour of `before` (NaN where the whole there
    numbers fewer than MIN_SHARE_BASELINE_MESSAGES), and how much more the part varies
    around that share than Poisson counts would, over blocks of `block_hours` (the window
    judged) in the same days: the Pearson dispersion Σ (O - sT)² / (sT) ÷ (blocks - 1),
    at least 1. Chat comes in conversations and a topic's share moves from day to day, so
    a share rule allows for the noise the scope's own history shows at the time scale it judges."""
    if not len(before):
        return np.zeros(0), np.ones(0)
    hours, back = np.unique(before, return_inverse=True)  # minutes share their hour's
    if len(hours) < len(before):
        share, dispersion = usual_share_and_dispersion(
            topic_hours, all_hours, hours, part, whole, block_hours
        )
        return share[back], dispersion[back]
    days = SHARE_BASELINE_DAYS * DAY_HOURS
    span = np.arange(int(before.min()) - days, int(before.max()))

    def running(hours: pd.DataFrame, column: str) -> np.ndarray:
        hour = hours["hour"].to_numpy(dtype=np.int64) - span[0]
        inside = (hour >= 0) & (hour < len(span))
        weights = hours[column].to_numpy(dtype=float)[inside]
        counts = np.bincount(hour[inside], weights=weights, minlength=len(span))
        return np.concatenate([[0.0], np.cumsum(counts)])

    topic, total = running(topic_hours, part), running(all_hours, whole)
    last = before - span[0]
    in_total = total[last] - total[last - days]
    share = (topic[last] - topic[last - days]) / np.where(in_total > 0, in_total, 1.0)
    block = max(1, min(block_hours, days // 4))  # at least four blocks to compare
    ends = last[:, None] - np.arange(0, days - block + 1, block)[None, :]  # a row per hour
    block_total = total[ends] - total[ends - block]
    block_topic = topic[ends] - topic[ends - block]
    expected = share[:, None] * block_total
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(expected > 0, (block_topic - expected) ** 2 / expected, 0.0)
    pearson = np.cumsum(terms, axis=1)[:, -1]  # summed in order, block after block
    blocks = np.sum(block_total > 0, axis=1)
    dispersion = np.maximum(pearson / np.maximum(blocks - 1, 1), 1.0)
    enough = in_total >= MIN_SHARE_BASELINE_MESSAGES
    return np.where(enough, share, np.nan), dispersion


def rolling(per_minute: np.ndarray, window: int) -> np.ndarray:
    """Sums over the `window` minutes before each minute after the first `window`; NaN
    where the window holds a NaN (a NaN must not poison every later running sum)."""
    total = np.zeros(len(per_minute) + 1)
    np.cumsum(per_minute, out=total[1:])
    if not np.isnan(total[-1]):  # no NaN anywhere (a NaN stays in every sum after it)
        return total[window:] - total[:-window]
    missing = np.isnan(per_minute)
    total = np.concatenate([[0.0], np.cumsum(np.where(missing, 0.0, per_minute))])
    holes = np.concatenate([[0], np.cumsum(missing)])
    sums = total[window:] - total[:-window]
    return np.where(holes[window:] - holes[:-window] > 0, np.nan, sums)


def hourly_baseline(hours: pd.DataFrame, column: str, first_hour: int, end_hour: int):
    """Mean and spread of `column` at the same hour in the past, for the hours
    [first_hour, end_hour): of the same hour of the week in the previous BASELINE_WEEKS
    weeks once MIN_BASELINE_WEEKS of them have messages; until then (a young community)
    of the same hour on the previous BASELINE_DAYS days (while the scope's history is
    shorter than MIN_BASELINE_WEEKS weeks), from MIN_BASELINE_DAYS with messages; NaN
    otherwise. Hours before the scope's first message are unknown, never zeros."""
    span_start = first_hour - LOOKBACK_HOURS
    hour = hours["hour"].to_numpy(dtype=np.int64)  # one row per hour
    inside = (hour >= span_start) & (hour < end_hour)
    series = np.zeros(end_hour - span_start)
    series[hour[inside] - span_start] = hours[column].to_numpy(dtype=float)[inside]
    with_data = hour[hours["messages"].to_numpy() > 0]
    known_from = int(with_data.min()) if len(with_data) else end_hour
    past = _SamePast(series, known_from, first_hour, end_hour)
    weekly = past.mean_and_spread(WEEK_HOURS, BASELINE_WEEKS, MIN_BASELINE_WEEKS)
    daily = past.mean_and_spread(DAY_HOURS, BASELINE_DAYS, MIN_BASELINE_DAYS)
    # the days before stand in only while the scope is younger than two weeks: an hour of
    # the week that stays quiet in an older community has no baseline, as before
    history = np.arange(first_hour, end_hour) - known_from
    young = (history < MIN_BASELINE_WEEKS * WEEK_HOURS) & np.isnan(weekly[0])
    return np.where(young, daily[0], weekly[0]), np.where(young, daily[1], weekly[1])


class _SamePast:
    """The values of the same hour 1..k periods back, for a run of hours."""

    def __init__(self, series: np.ndarray, known_from: int, first_hour: int, end_hour: int):
        self.series, self.known_from = series, known_from
        self.first_hour, self.end_hour = first_hour, end_hour

    def mean_and_spread(self, period: int, periods: int, least: int):
        """Mean and spread over `periods` periods of `period` hours back; NaN where fewer
        than `least` of them had messages at that hour."""
        count = self.end_hour - self.first_hour
        rows = []
        for k in range(1, periods + 1):
            offset = LOOKBACK_HOURS - k * period
            values = self.series[offset : offset + count].copy()
            values[np.arange(self.first_hour, self.end_hour) - k * period < self.known_from] = (
                np.nan
            )
            rows.append(values)
        stacked = np.vstack(rows)
        known = np.sum(~np.isnan(stacked), axis=0)
        nonzero = np.sum(np.nan_to_num(stacked) > 0, axis=0)
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(np.where(known > 0, stacked, 0.0), axis=0)
            spread = np.nanstd(np.where(known > 0, stacked, 0.0), axis=0)
        enough = nonzero >= least
        return np.where(enough, mean, np.nan), np.where(enough, spread, np.nan)
