"""Each rule's score, minute by minute. Pure numpy and pandas on `MetricData`.

Times are whole minutes since the Unix epoch (UTC). The score at minute `t` looks at the
window `[t - W, t)`, so the live evaluator at `t` and a backtest replaying `t` compute the
same number from the same rows. Baselines (the same hour of the week in the previous
eight weeks) come from the hourly rollups, forecasts from the stored forecast points.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from alerts.baselines import (
    LOOKBACK_HOURS,
    hourly_baseline,
    rolling,
    usual_share_and_dispersion,
)
from alerts.forecast_scores import band_distance, predicted_peak, predicted_ratio
from alerts.rules import COUNT_METRICS, SHARE_METRICS, Rule, Scope
from alerts.silence import data_ended, silent_sources

NEGATIVE_AT_MOST = -0.05
SHARE_SIGMAS = 2.0  # a share's count is lessened by this many Poisson sigmas
MEMBER_CAP = 10  # one member's messages in a window count toward a surge up to this
DROP_SIGMAS = 1.0  # a drop's count is raised by this many Poisson sigmas before the ratio
WIDEN_FACTORS = (1, 2, 4, 8)  # a drop rule's window, widened until min_volume is due
SPREAD_FLOOR = 0.25  # an hour's spread across weeks is taken as at least this share of
# its mean: two or three weeks of history understate how much real hours vary
HOURLY_COLUMNS = ["hour", "messages", "active_authors", "sentiment_count", "negative_count"]


@dataclass(frozen=True)
class MetricData:
    """A community's rows that the rules need for the minutes [first, end).

    messages: minute, channel_id, member_id, sentiment (NaN: not scored), is_bot.
    topic_links: the same columns plus topic_id, one row per message and topic.
    channel_hours / topic_hours: hourly rollups (hour in epoch hours) by channel_id / topic_id.
    forecasts: (kind, id) -> hourly points (hour, yhat, yhat_lower, yhat_upper).
    """

    first: int
    end: int
    messages: pd.DataFrame
    topic_links: pd.DataFrame
    channel_hours: pd.DataFrame
    topic_hours: pd.DataFrame
    forecasts: dict[tuple[str, int], pd.DataFrame] = field(default_factory=dict)
    platforms: dict[int, str] = field(default_factory=dict)  # channel id -> platform
    channel_sources: dict[int, int] = field(default_factory=dict)  # channel id -> source id
    topic_names: dict[int, str] = field(default_factory=dict)
    channel_names: dict[int, str] = field(default_factory=dict)
    # what every topic scope of a cycle shares (the community's hours and window counts),
    # worked out once: see _community
    shared: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ScopeNames:
    """What scopes a community has, before any of its data is read."""

    topic_names: dict[int, str]
    channel_names: dict[int, str]


def concrete_scopes(rule: Rule, data: MetricData | ScopeNames) -> list[tuple[str, Scope]]:
    """The (key, scope) pairs a rule is evaluated for: one, or one per topic or channel."""
    if rule.scope.kind == "each_topic":
        return [(f"topic:{i}", Scope("topic", i)) for i in sorted(data.topic_names)]
    if rule.scope.kind == "each_channel":
        return [(f"channel:{i}", Scope("channel", i)) for i in sorted(data.channel_names)]
    if rule.scope.kind == "all":
        return [("all", rule.scope)]
    return [(f"{rule.scope.kind}:{rule.scope.value}", rule.scope)]


def scope_label(scope: Scope, data: MetricData) -> str:
    if scope.kind == "topic":
        return f"topic {data.topic_names.get(int(scope.value), scope.value)}"
    if scope.kind == "channel":
        return f"channel {data.channel_names.get(int(scope.value), scope.value)}"
    if scope.kind == "platform":
        return f"platform {scope.value}"
    return "everything"


def score_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int) -> pd.DataFrame:
    """Per minute t in [start, end): value (the metric), score (what the threshold is
    compared with), guard (the volume the minimum-volume guard checks) and limit (the
    threshold in the metric's units, for charts). NaN score: no data."""
    if rule.metric == "topic_share" and rule.condition == "baseline_ratio":
        return _scanned(_share_series, rule, scope, data, start, end)
    if rule.metric == "topic_share":
        return _share_series(rule, scope, data, start, end)
    if rule.metric in SHARE_METRICS and rule.condition == "baseline_ratio":
        return _scanned(_negative_ratio_series, rule, scope, data, start, end)
    if rule.metric == "silent_sources":
        return _silence_series(rule, scope, data, start, end)
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
    return rule.window_minutes * (WIDEN_FACTORS[-1] if widens(rule) or scans(rule) else 1)


def _scanned(series, rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """`series` of a share rule over its window and windows ×2, ×4 and ×8 longer, taking
    at each minute the one that scores highest with at least min_volume messages: a
    rise is judged at the time scale it has, so a slow one that a short window cannot
    tell from noise is still seen, while every window keeps its own noise allowance.
    A longer window counts only while the share in the rule's own window is still at
    its recovery threshold times the usual (before the noise allowance): an episode ends
    when the rise does, not when it leaves the longest window, and an old rise in a long
    window does not fire again on an ordinary hour."""
    frames = [
        series(replace(rule, window_minutes=rule.window_minutes * f), scope, data, start, end)
        for f in WIDEN_FACTORS
    ]
    chosen = frames[0].copy()
    best = _comparable(chosen, rule)
    usual = chosen["limit"].to_numpy(dtype=float) / rule.threshold
    with np.errstate(invalid="ignore"):
        still_rising = chosen["value"].to_numpy(dtype=float) >= usual * rule.recovery
    for frame in frames[1:]:
        score = np.where(still_rising, _comparable(frame, rule), -np.inf)
        better = score > best
        chosen.loc[better] = frame.loc[better]
        best = np.where(better, score, best)
    return chosen


def _comparable(frame: pd.DataFrame, rule: Rule) -> np.ndarray:
    """A frame's scores where its guard passes, else -inf (NaN: no data, also -inf)."""
    score = frame["score"].to_numpy(dtype=float)
    passes = (frame["guard"].to_numpy(dtype=float) >= rule.min_volume) & ~np.isnan(score)
    return np.where(passes, score, -np.inf)


def _with_topic_dispersion(data, topic_hours, start, end, window, expected, sigma):
    """A topic count's sigma with its Poisson part scaled by how much more the topic's
    messages cluster than Poisson counts would (its share's dispersion over the week
    before, at the window's scale): a topic comes in conversations, and one conversation
    is not a spike."""
    minutes = np.arange(start, end, dtype=np.int64)
    everything, _ = _community(data, start - window, end, window)
    _, dispersion = usual_share_and_dispersion(
        topic_hours, everything, (minutes - window) // 60, block_hours=-(-window // 60)
    )
    extra = np.nan_to_num(expected) * (dispersion - 1)
    return np.sqrt(sigma**2 + extra)


def _widened_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of a drop rule whose window is widened (×2, ×4, ×8) at the minutes
    where fewer than min_volume messages are due in it: a small community's drop is
    judged over the hours that hold enough messages to tell, not never."""
    frames = [
        _count_series(
            replace(rule, window_minutes=rule.window_minutes * f), scope, data, start, end
        )
        for f in WIDEN_FACTORS
    ]
    chosen = frames[-1].copy()
    for frame in reversed(frames[:-1]):
        enough = (frame["guard"] >= rule.min_volume).to_numpy()
        chosen.loc[enough] = frame.loc[enough]
    return chosen


def _count_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    minutes = np.arange(start, end, dtype=np.int64)
    window = rule.window_minutes
    rows, hours = _scoped(rule, scope, data)
    sums = _window_sums(rows, start - window, end, window)
    value = _metric_value(rule, sums, rows, minutes, window)
    if rule.metric in ("volume", "topic_volume") and rule.direction == "above":
        value = value - _beyond_member_cap(rows, start - window, end, window)
    has_data = _has_data(hours, minutes)
    expected, sigma = _baseline(rule, hours, start - window, end, window)
    if scope.kind == "topic" and rule.condition == "zscore":
        sigma = _with_topic_dispersion(data, hours, start, end, window, expected, sigma)
    if rule.direction == "below" and rule.metric in COUNT_METRICS:
        expected = _without_silent_sources(rule, scope, data, start, end, expected)
        ended = data_ended(data.messages, data.channel_hours, start, end)
        expected = np.where(ended, np.nan, expected)  # no drop once the data has ended
    score, limit = _score(rule, scope, data, value, expected, sigma, minutes, hours)
    guard = sums["count"]
    if rule.metric == "predicted_spike":
        guard = predicted_peak(scope, data, minutes)
    elif rule.direction == "below":
        guard = np.where(np.isnan(expected), guard, expected)
    score = np.where(has_data, score, np.nan)
    return pd.DataFrame(
        {"minute": minutes, "value": value, "score": score, "guard": guard, "limit": limit}
    )


def _silence_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of the sources of the scope that are silent (see alerts.silence)."""
    silent = _silent_count(scope, data, start, end)
    return pd.DataFrame(
        {
            "minute": np.arange(start, end, dtype=np.int64),
            "value": silent,
            "score": silent,
            "guard": np.full(len(silent), np.inf),
            "limit": np.full(len(silent), rule.threshold),
        }
    )


def _silent_count(scope: Scope, data: MetricData, start: int, end: int) -> np.ndarray:
    """How many of the scope's sources are silent at each minute of [start, end)."""
    channels = _channels_of(scope, data)
    sources = (
        set(data.channel_sources.values())
        if channels is None
        else {data.channel_sources.get(c) for c in channels}
    )
    flags = _silent_flags(data, start, end)
    silent = [flags[source] for source in sources if source in flags]
    return np.sum(silent, axis=0).astype(float) if silent else np.zeros(end - start)


def _silent_flags(data: MetricData, start: int, end: int) -> dict[int, np.ndarray]:
    key = ("silent", start, end)
    if key not in data.shared:
        data.shared[key] = silent_sources(
            data.messages, data.channel_hours, data.channel_sources, start, end
        )
    return data.shared[key]


def _without_silent_sources(rule, scope, data, start, end, expected) -> np.ndarray:
    """The expected count less what silent sources would have brought: a drop is judged
    on the sources that still deliver (a silent one is a data problem, told apart by the
    Source silent rule), so an importer that stops is no activity drop, while a
    community that goes quiet everywhere still is one."""
    window = rule.window_minutes
    channels = _channels_of(scope, data)
    for source, silent in _silent_flags(data, start, end).items():
        if not silent.any():
            continue
        own = [
            c
            for c, s in data.channel_sources.items()
            if s == source and (channels is None or c in channels)
        ]
        hours = data.channel_hours[data.channel_hours["channel_id"].isin(own)]
        hours = hours.groupby("hour", as_index=False)[HOURLY_COLUMNS[1:]].sum()
        due, _ = _baseline(rule, hours, start - window, end, window)
        expected = np.where(silent, np.maximum(expected - np.nan_to_num(due), 0), expected)
    return expected


def _share_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of a topic's share of all messages: the value is the share in the
    window; with baseline_ratio the score is that share, less two Poisson sigmas of the
    topic's count, ÷ the topic's usual share: its share of all messages over the
    SHARE_BASELINE_DAYS before the window (none while the community has fewer than
    MIN_SHARE_BASELINE_MESSAGES there). The guard is the topic's own count, so min_volume
    asks for that many of its messages."""
    minutes = np.arange(start, end, dtype=np.int64)
    window = rule.window_minutes
    topic_rows, topic_hours = _scoped(rule, scope, data)
    everything, total = _community(data, start - window, end, window)
    topic = _window_sums(topic_rows, start - window, end, window)["count"]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(total > 0, topic / total, np.nan)
        usual, spread = usual_share_and_dispersion(
            topic_hours, everything, (minutes - window) // 60, block_hours=-(-window // 60)
        )
        if rule.condition == "baseline_ratio":
            score, limit = _ratio_to_usual(topic, total, usual, spread, rule.threshold)
        else:
            score, limit = value, np.full(len(minutes), rule.threshold)
    score = np.where(_has_data(everything, minutes), score, np.nan)
    return pd.DataFrame(
        {"minute": minutes, "value": value, "score": score, "guard": topic, "limit": limit}
    )


def _negative_ratio_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of the negative share against its usual: the share of the scored
    messages in the window that are negative, less SHARE_SIGMAS Poisson sigmas of the
    negative count, ÷ the scope's negative share over the SHARE_BASELINE_DAYS before. A
    community that always grumbles is judged against its own grumbling."""
    minutes = np.arange(start, end, dtype=np.int64)
    window = rule.window_minutes
    rows, hours = _scoped(rule, scope, data)
    sums = _window_sums(rows, start - window, end, window)
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
        score, limit = _ratio_to_usual(negative, scored, usual, spread, rule.threshold)
    score = np.where(_has_data(hours, minutes) & (scored > 0), score, np.nan)
    return pd.DataFrame(
        {"minute": minutes, "value": value, "score": score, "guard": sums["count"], "limit": limit}
    )


def _ratio_to_usual(part, whole, usual, dispersion, threshold):
    """(score, limit) of a share against its usual share: the share is first lessened by
    SHARE_SIGMAS sigmas of its count (Poisson, times the dispersion its history shows),
    so that a few messages at a quiet hour, or one conversation, do not double it; NaN
    where there is no usual share yet."""
    sigma = np.sqrt(dispersion * part)
    surely = np.maximum(part - SHARE_SIGMAS * sigma, 0) / np.where(whole > 0, whole, 1)
    ratio = np.where(usual > 0, surely / usual, np.where(surely > 0, np.inf, 1.0))
    return np.where(np.isnan(usual), np.nan, ratio), usual * threshold


def _beyond_member_cap(rows: pd.DataFrame, first: int, end: int, window: int) -> np.ndarray:
    """Messages over MEMBER_CAP that one human member wrote in each window: a surge is
    many people, so one member's flood counts only up to the cap (bots and bridges,
    which relay many people, are not capped)."""
    size = end - first - window
    excess = np.zeros(max(size, 0))
    humans = rows.loc[~rows["is_bot"].astype(bool), ["member_id", "minute"]]
    inside = humans[(humans["minute"] >= first) & (humans["minute"] < end)]
    counts = inside["member_id"].value_counts()
    for member in counts.index[counts > MEMBER_CAP]:
        minute = inside.loc[inside["member_id"] == member, "minute"].to_numpy(dtype=np.int64)
        own = rolling(_per_minute(minute, None, first, end), window)[:size]
        excess += np.maximum(own - MEMBER_CAP, 0)
    return excess


def _community(data: MetricData, first: int, end: int, window: int):
    """The whole community's hourly rollup, and its message count over the `window` before
    each minute of [first + window, end): the same for every topic of a cycle, so kept."""
    key = (first, end, window)
    if key not in data.shared:
        hours = data.channel_hours.groupby("hour", as_index=False)[HOURLY_COLUMNS[1:]].sum()
        minute = data.messages["minute"].to_numpy(dtype=np.int64)
        counts = rolling(_per_minute(minute, None, first, end), window)[: end - first - window]
        data.shared[key] = (hours, counts)
    return data.shared[key]


def _scoped(rule: Rule, scope: Scope, data: MetricData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The message rows and hourly rollup (summed per hour) of one concrete scope."""
    if scope.kind == "topic":
        topic = int(scope.value)
        rows = data.topic_links[data.topic_links["topic_id"] == topic]
        hours = data.topic_hours[data.topic_hours["topic_id"] == topic]
    else:
        rows, hours = data.messages, data.channel_hours
        channels = _channels_of(scope, data)
        if channels is not None:
            rows = rows[rows["channel_id"].isin(channels)]
            hours = hours[hours["channel_id"].isin(channels)]
    summed = hours.groupby("hour", as_index=False)[HOURLY_COLUMNS[1:]].sum()
    return rows, summed


def _channels_of(scope: Scope, data: MetricData) -> list[int] | None:
    if scope.kind == "channel":
        return [int(scope.value)]
    if scope.kind == "platform":
        return [c for c, p in data.platforms.items() if p == scope.value]
    return None


def _per_minute(minute: np.ndarray, weights: np.ndarray | None, first: int, end: int) -> np.ndarray:
    inside = (minute >= first) & (minute < end)
    return np.bincount(
        minute[inside] - first,
        weights=None if weights is None else weights[inside],
        minlength=end - first,
    ).astype(float)


def _window_sums(rows: pd.DataFrame, first: int, end: int, window: int) -> dict[str, np.ndarray]:
    minute = rows["minute"].to_numpy(dtype=np.int64)
    sentiment = rows["sentiment"].to_numpy(dtype=float)
    scored = ~np.isnan(sentiment)
    columns = {
        "count": None,
        "scored": scored.astype(float),
        "sentiment": np.where(scored, sentiment, 0.0),
        "negative": (scored & (sentiment <= NEGATIVE_AT_MOST)).astype(float),
    }
    sums = {
        name: rolling(_per_minute(minute, weights, first, end), window)[: end - first - window]
        for name, weights in columns.items()
    }
    return sums


def _metric_value(
    rule: Rule, sums: dict[str, np.ndarray], rows: pd.DataFrame, minutes: np.ndarray, window: int
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


def distinct_authors(rows: pd.DataFrame, minutes: np.ndarray, window: int) -> np.ndarray:
    """Human members who wrote in [t - window, t), for each t in `minutes`.

    A message at minute m makes its author active for t in (m, m + window]; cutting each
    interval at the author's next message makes one author's intervals disjoint, so a
    running sum of +1/-1 marks counts each author once."""
    humans = rows.loc[~rows["is_bot"].astype(bool), ["member_id", "minute"]].drop_duplicates()
    humans = humans.sort_values(["member_id", "minute"])
    starts = humans["minute"].to_numpy(dtype=np.int64) + 1
    ends = starts + window
    same_author_next = humans["member_id"].to_numpy()[1:] == humans["member_id"].to_numpy()[:-1]
    next_start = np.append(starts[1:], np.iinfo(np.int64).max)
    ends = np.where(np.append(same_author_next, False), np.minimum(ends, next_start), ends)
    first, size = int(minutes[0]) if len(minutes) else 0, len(minutes)
    marks = np.zeros(size + 1)
    np.add.at(marks, np.clip(starts - first, 0, size), 1)
    np.add.at(marks, np.clip(ends - first, 0, size), -1)
    return np.cumsum(marks)[:size]


def _has_data(hours: pd.DataFrame, minutes: np.ndarray) -> np.ndarray:
    """Whether the scope had any message in the LOOKBACK_HOURS before each minute."""
    with_messages = hours.loc[hours["messages"] > 0, "hour"].to_numpy(dtype=np.int64)
    if not len(with_messages) or not len(minutes):
        return np.zeros(len(minutes), dtype=bool)
    current_hour = minutes // 60  # an hour's messages count once it has begun
    latest = np.searchsorted(np.sort(with_messages), current_hour, side="right")
    newest = np.where(latest > 0, np.sort(with_messages)[np.maximum(latest - 1, 0)], -(10**9))
    return (latest > 0) & (current_hour - newest < LOOKBACK_HOURS)


def _baseline(rule: Rule, hours: pd.DataFrame, first: int, end: int, window: int):
    """Expected count over each window and its sigma (Poisson noise plus the spread across
    weeks); NaN where no baseline exists or the metric is not a count."""
    size = end - first - window
    if rule.metric not in COUNT_METRICS or rule.condition not in ("baseline_ratio", "zscore"):
        return np.full(size, np.nan), np.full(size, np.nan)
    column = "active_authors" if rule.metric == "active_members" else "messages"
    first_hour, end_hour = first // 60, -(-end // 60)
    mean, spread = hourly_baseline(hours, column, first_hour, end_hour)
    offsets = np.arange(first, end) // 60 - first_hour
    expected = rolling(mean[offsets] / 60, window)[:size]
    # the spread of each hour the window covers, for the minutes it covers (hours of one
    # week move together): a window astride a busy and a quiet hour gets both
    hour_spread = np.fmax(spread, SPREAD_FLOOR * mean)
    window_spread = rolling(hour_spread[offsets] / 60, window)[:size]
    sigma = np.sqrt(expected + window_spread**2)
    return expected, sigma


def _score(rule, scope, data, value, expected, sigma, minutes, hours):
    """(score, limit): what the threshold is compared with, and the threshold in metric units."""
    threshold = rule.threshold
    if rule.condition == "baseline_ratio":
        if rule.direction == "below":  # surely below: a few messages short is noise
            value = value + DROP_SIGMAS * np.sqrt(np.maximum(value, 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(expected > 0, value / expected, np.where(value > 0, np.inf, 1.0))
        return np.where(np.isnan(expected), np.nan, score), expected * threshold
    if rule.condition == "zscore":
        safe = np.where(sigma > 0, sigma, 1.0)
        return (value - expected) / safe, expected + threshold * safe
    if rule.condition == "forecast_band" or rule.metric == "forecast_deviation":
        return band_distance(rule, scope, data, value, minutes)
    if rule.metric == "predicted_spike":
        ratio = predicted_ratio(scope, data, minutes, hours)
        return ratio, np.full(len(minutes), np.nan)
    return value, np.full(len(minutes), threshold)
