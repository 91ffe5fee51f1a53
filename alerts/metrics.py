"""Each rule's score, minute by minute. Pure numpy and pandas on `MetricData`.

Times are whole minutes since the Unix epoch (UTC). The score at minute `t` looks at the
window `[t - W, t)`, so the live evaluator at `t` and a backtest replaying `t` compute the
same number from the same rows. Baselines (the same hour of the week in the previous
eight weeks) come from the hourly rollups, forecasts from the stored forecast points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alerts.rules import COUNT_METRICS, SHARE_METRICS, Rule, Scope

WEEK_HOURS = 7 * 24
BASELINE_WEEKS = 8
MIN_BASELINE_WEEKS = 2  # weeks with any message at that hour, before a weekly baseline
DAY_HOURS = 24
BASELINE_DAYS = 7  # a young community's baseline: the same hour on the days before
MIN_BASELINE_DAYS = 1  # days with any message at that hour, before a daily baseline
SHARE_BASELINE_DAYS = 7  # a topic's usual share: of all messages in the days before
MIN_SHARE_BASELINE_MESSAGES = 100  # fewer messages than this there: no usual share yet
NEGATIVE_AT_MOST = -0.05
LOOKBACK_HOURS = BASELINE_WEEKS * WEEK_HOURS  # a scope with nothing in it for this long: no data
SPIKE_LOOKAHEAD_HOURS = 24
SPIKE_NORMAL_DAYS = 7
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
    topic_names: dict[int, str] = field(default_factory=dict)
    channel_names: dict[int, str] = field(default_factory=dict)


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
    if rule.metric in SHARE_METRICS:
        return _share_series(rule, scope, data, start, end)
    minutes = np.arange(start, end, dtype=np.int64)
    window = rule.window_minutes
    rows, hours = _scoped(rule, scope, data)
    sums = _window_sums(rows, start - window, end, window)
    value = _metric_value(rule, sums, rows, minutes, window)
    has_data = _has_data(hours, minutes)
    expected, sigma = _baseline(rule, hours, start - window, end, window)
    score, limit = _score(rule, scope, data, value, expected, sigma, minutes, hours)
    guard = sums["count"]
    if rule.metric == "predicted_spike":
        guard = _predicted_peak(scope, data, minutes)
    elif rule.direction == "below":
        guard = np.where(np.isnan(expected), guard, expected)
    score = np.where(has_data, score, np.nan)
    return pd.DataFrame(
        {"minute": minutes, "value": value, "score": score, "guard": guard, "limit": limit}
    )


def _share_series(rule: Rule, scope: Scope, data: MetricData, start: int, end: int):
    """score_series of a topic's share of all messages: the value is the share in the
    window; with baseline_ratio the score is that share, less two Poisson sigmas of the
    topic's count, ÷ the topic's usual share: its share of all messages over the
    SHARE_BASELINE_DAYS before the window (none while the
    community has fewer than MIN_SHARE_BASELINE_MESSAGES there). The guard is the topic's
    own count, so min_volume asks for that many of its messages."""
    minutes = np.arange(start, end, dtype=np.int64)
    window = rule.window_minutes
    topic_rows, topic_hours = _scoped(rule, scope, data)
    everything = data.channel_hours.groupby("hour", as_index=False)[HOURLY_COLUMNS[1:]].sum()
    topic = _window_sums(topic_rows, start - window, end, window)["count"]
    total = _window_sums(data.messages, start - window, end, window)["count"]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(total > 0, topic / total, np.nan)
        usual = _usual_share(topic_hours, everything, (minutes - window) // 60)
        if rule.condition == "baseline_ratio":  # the share less two Poisson sigmas of the
            # topic's count, so that a few messages at a quiet hour do not double it
            surely = np.maximum(topic - 2 * np.sqrt(topic), 0) / np.where(total > 0, total, 1)
            ratio = np.where(usual > 0, surely / usual, np.where(surely > 0, np.inf, 1.0))
            score, limit = np.where(np.isnan(usual), np.nan, ratio), usual * rule.threshold
        else:
            score, limit = value, np.full(len(minutes), rule.threshold)
    score = np.where(_has_data(everything, minutes), score, np.nan)
    return pd.DataFrame(
        {"minute": minutes, "value": value, "score": score, "guard": topic, "limit": limit}
    )


def _usual_share(topic_hours: pd.DataFrame, all_hours: pd.DataFrame, before: np.ndarray):
    """The topic's share of all messages in the SHARE_BASELINE_DAYS of hours before each
    hour of `before`; NaN where all messages there number fewer than
    MIN_SHARE_BASELINE_MESSAGES."""
    if not len(before):
        return np.zeros(0)
    span = np.arange(int(before.min()) - SHARE_BASELINE_DAYS * DAY_HOURS, int(before.max()))

    def running(hours: pd.DataFrame) -> np.ndarray:
        counts = hours.set_index("hour")["messages"].reindex(span, fill_value=0)
        return np.concatenate([[0.0], np.cumsum(counts.to_numpy(dtype=float))])

    topic, total = running(topic_hours), running(all_hours)
    last = before - span[0]
    first = last - SHARE_BASELINE_DAYS * DAY_HOURS
    in_total = total[last] - total[first]
    share = (topic[last] - topic[first]) / np.where(in_total > 0, in_total, 1.0)
    return np.where(in_total >= MIN_SHARE_BASELINE_MESSAGES, share, np.nan)


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


def _rolling(per_minute: np.ndarray, window: int) -> np.ndarray:
    """Sums over the `window` minutes before each minute after the first `window`; NaN
    where the window holds a NaN (a NaN must not poison every later running sum)."""
    missing = np.isnan(per_minute)
    total = np.concatenate([[0.0], np.cumsum(np.where(missing, 0.0, per_minute))])
    holes = np.concatenate([[0], np.cumsum(missing)])
    sums = total[window:] - total[:-window]
    return np.where(holes[window:] - holes[:-window] > 0, np.nan, sums)


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
        name: _rolling(_per_minute(minute, weights, first, end), window)[: end - first - window]
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


def _hourly_baseline(hours: pd.DataFrame, column: str, first_hour: int, end_hour: int):
    """Mean and spread of `column` at the same hour in the past, for the hours
    [first_hour, end_hour): of the same hour of the week in the previous BASELINE_WEEKS
    weeks once MIN_BASELINE_WEEKS of them have messages; until then (a young community)
    of the same hour on the previous BASELINE_DAYS days (while the scope's history is
    shorter than MIN_BASELINE_WEEKS weeks), from MIN_BASELINE_DAYS with messages; NaN
    otherwise. Hours before the scope's first message are unknown, never zeros."""
    span = np.arange(first_hour - LOOKBACK_HOURS, end_hour, dtype=np.int64)
    series = hours.set_index("hour")[column].reindex(span, fill_value=0).to_numpy(dtype=float)
    with_data = hours.loc[hours["messages"] > 0, "hour"]
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


def _baseline(rule: Rule, hours: pd.DataFrame, first: int, end: int, window: int):
    """Expected count over each window and its sigma (Poisson noise plus the spread across
    weeks); NaN where no baseline exists or the metric is not a count."""
    size = end - first - window
    if rule.metric not in COUNT_METRICS or rule.condition not in ("baseline_ratio", "zscore"):
        return np.full(size, np.nan), np.full(size, np.nan)
    column = "active_authors" if rule.metric == "active_members" else "messages"
    first_hour, end_hour = first // 60, -(-end // 60)
    mean, spread = _hourly_baseline(hours, column, first_hour, end_hour)
    offsets = np.arange(first, end) // 60 - first_hour
    expected = _rolling(mean[offsets] / 60, window)[:size]
    last_minute_hours = np.arange(first + window, end) - 1
    hour_spread = spread[last_minute_hours // 60 - first_hour]
    sigma = np.sqrt(expected + (hour_spread * window / 60) ** 2)
    return expected, sigma


def _score(rule, scope, data, value, expected, sigma, minutes, hours):
    """(score, limit): what the threshold is compared with, and the threshold in metric units."""
    threshold = rule.threshold
    if rule.condition == "baseline_ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(expected > 0, value / expected, np.where(value > 0, np.inf, 1.0))
        return np.where(np.isnan(expected), np.nan, score), expected * threshold
    if rule.condition == "zscore":
        safe = np.where(sigma > 0, sigma, 1.0)
        return (value - expected) / safe, expected + threshold * safe
    if rule.condition == "forecast_band" or rule.metric == "forecast_deviation":
        return _band_distance(rule, scope, data, value, minutes)
    if rule.metric == "predicted_spike":
        ratio = _predicted_ratio(scope, data, minutes, hours)
        return ratio, np.full(len(minutes), np.nan)
    return value, np.full(len(minutes), threshold)


def _forecast_of(scope: Scope, data: MetricData) -> pd.DataFrame | None:
    key = {"all": ("community", 0), "topic": ("topic", scope.value)}.get(scope.kind)
    if scope.kind == "channel":
        key = ("channel", scope.value)
    if key is None:
        return None
    return data.forecasts.get((key[0], int(key[1])))


def _band_distance(rule, scope, data, value, minutes):
    """Distance of the window's volume from the forecast, in band half-widths (1: on the
    band's edge), and the threshold's volume above or below the forecast."""
    points = _forecast_of(scope, data)
    if points is None or points.empty or not len(minutes):
        return np.full(len(minutes), np.nan), np.full(len(minutes), np.nan)
    window = rule.window_minutes
    first, end = int(minutes[0]) - window, int(minutes[-1]) + 1
    span_hours = np.arange(first // 60, -(-end // 60))
    indexed = points.set_index("hour").reindex(span_hours)
    per_minute_hour = np.arange(first, end) // 60 - first // 60

    def windowed(column: str) -> np.ndarray:
        hourly = indexed[column].to_numpy(dtype=float)[per_minute_hour] / 60
        return _rolling(hourly, window)[: len(minutes)]

    yhat, upper, lower = windowed("yhat"), windowed("yhat_upper"), windowed("yhat_lower")
    above_width = np.maximum(upper - yhat, 1e-9)
    below_width = np.maximum(yhat - lower, 1e-9)
    score = np.where(value >= yhat, (value - yhat) / above_width, (value - yhat) / below_width)
    width = above_width if rule.direction == "above" else below_width
    return score, yhat + rule.threshold * width


def _hourly_actual(hours: pd.DataFrame, first_hour: int, end_hour: int) -> np.ndarray:
    span = np.arange(first_hour, end_hour)
    return hours.set_index("hour")["messages"].reindex(span, fill_value=0).to_numpy(dtype=float)


def _forecast_ahead(scope, data, minutes):
    """(first hour, end hour, forecast yhat from the first hour to 24 hours past the last),
    or None without a forecast."""
    points = _forecast_of(scope, data)
    if points is None or points.empty or not len(minutes):
        return None
    first_hour, end_hour = int(minutes[0]) // 60, int(minutes[-1]) // 60 + 1
    forecast = (
        points.set_index("hour")["yhat"]
        .reindex(np.arange(first_hour, end_hour + SPIKE_LOOKAHEAD_HOURS + 1))
        .to_numpy(dtype=float)
    )
    return first_hour, end_hour, forecast


def _next_day(forecast: np.ndarray, index: int) -> np.ndarray:
    return forecast[index + 1 : index + SPIKE_LOOKAHEAD_HOURS + 1]


def _predicted_ratio(scope, data, minutes, hours) -> np.ndarray:
    """For the hour of each minute: the forecast's highest ratio over normal in the next
    24 hours (normal: the mean of the same hour of the day over the previous 7 days)."""
    found = _forecast_ahead(scope, data, minutes)
    if found is None:
        return np.full(len(minutes), np.nan)
    first_hour, end_hour, forecast = found
    history = SPIKE_NORMAL_DAYS * 24
    actual = _hourly_actual(hours, first_hour - history, end_hour)
    ahead_offsets = np.arange(1, SPIKE_LOOKAHEAD_HOURS + 1)
    ratios = []
    for index in range(end_hour - first_hour):
        # row j of a day is the hour (H + j) % 24, where H is this minute's hour
        usual = actual[index : index + history].reshape(SPIKE_NORMAL_DAYS, 24).mean(axis=0)
        ahead = _next_day(forecast, index)
        normal = np.maximum(usual[ahead_offsets % 24], 1.0)
        ratios.append(np.nanmax(ahead / normal) if np.any(~np.isnan(ahead)) else np.nan)
    return np.array(ratios)[minutes // 60 - first_hour]


def _predicted_peak(scope, data, minutes) -> np.ndarray:
    """The highest forecast hour in the next 24 hours: the volume a predicted spike has."""
    found = _forecast_ahead(scope, data, minutes)
    if found is None:
        return np.zeros(len(minutes))
    first_hour, end_hour, forecast = found
    peaks = [
        np.nanmax(ahead) if np.any(~np.isnan(ahead)) else 0.0
        for ahead in (_next_day(forecast, i) for i in range(end_hour - first_hour))
    ]
    return np.array(peaks)[minutes // 60 - first_hour]
