"""What every rule's score is built from: a community's rows (`MetricData`), the rows and
hourly rollup of one scope, their running sums over a window before each minute, and the
expected count of a window from the same hour in the past. Pure numpy and pandas.

Times are whole minutes since the Unix epoch (UTC); a window before minute `t` is
`[t - W, t)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alerts.baselines import LOOKBACK_HOURS, hourly_baseline, rolling
from alerts.rules import COUNT_METRICS, Rule, Scope
from analysis.kinds import KIND_COUNT_COLUMNS

NEGATIVE_AT_MOST = -0.05
WINDOW_FACTORS = (1, 2, 4, 8)  # the windows a share is scanned at
DROP_WINDOW_FACTORS = (1, 2, 4, 8, 16, 32)  # the windows a drop widens to
SPREAD_FLOOR = 0.25  # an hour's spread across weeks is taken as at least this share of
# its mean: two or three weeks of history understate how much real hours vary
HOURLY_COLUMNS = ["hour", "messages", "active_authors", "sentiment_count", "negative_count"]
# a rule's scores over a run of minutes: minute, value, score, guard, limit, each an array
# (plain arrays: the live cycle builds one per scope and minute, where a DataFrame's
# construction and first column lookup cost more than the scoring)
Scores = dict[str, np.ndarray]
# what the scores read of a scope's messages, each column an array (read once per scope)
SCORED_COLUMNS = ("minute", "channel_id", "member_id", "sentiment", "is_bot")
Rows = dict[str, np.ndarray]


@dataclass(frozen=True)
class MetricData:
    """A community's rows that the rules need for the minutes [first, end).

    messages: minute, channel_id, member_id, sentiment (NaN: not scored), is_bot, and kind
    when a rule reads kinds; only minute, or None, when no rule reads more of them
    (alerts.data.DataNeeds).
    topic_links: the same columns plus topic_id, one row per message and topic (only
    minute and topic_id when no rule reads more of them).
    channel_hours / topic_hours: hourly rollups (hour in epoch hours) by channel_id / topic_id.
    forecasts: (kind, id) -> hourly points (hour, yhat, yhat_lower, yhat_upper).
    emerging: what was emerging when the worker looked (data_access.emerging_store).
    weekly: the member metrics of each stored week, from the minute the week ended.
    """

    first: int
    end: int
    messages: pd.DataFrame | None
    topic_links: pd.DataFrame
    channel_hours: pd.DataFrame
    topic_hours: pd.DataFrame
    forecasts: dict[tuple[str, int], pd.DataFrame] = field(default_factory=dict)
    emerging: pd.DataFrame | None = None  # minute, term, z, recent: the worker's snapshots
    # the member metrics week by week (alerts.member_scores): key -> minute, value
    weekly: dict[str, pd.DataFrame] = field(default_factory=dict)
    platforms: dict[int, str] = field(default_factory=dict)  # channel id -> platform
    channel_sources: dict[int, int] = field(default_factory=dict)  # channel id -> source id
    topic_names: dict[int, str] = field(default_factory=dict)
    channel_names: dict[int, str] = field(default_factory=dict)
    # what every topic scope of a cycle shares (the community's hours and window counts),
    # worked out once: see community_window
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
    if scope.kind == "kind":
        return f"kind {str(scope.value).replace('_', ' ')}"
    if scope.kind == "segment":
        return f"segment {scope.value}"
    return "everything"


def summed_per_hour(hours: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rollup rows' `columns` summed per hour, in hour order: a groupby-sum in numpy
    (pandas' costs a few milliseconds a call, and a cycle makes one per scope)."""
    hour, within = np.unique(hours["hour"].to_numpy(dtype=np.int64), return_inverse=True)
    summed = {
        column: np.bincount(
            within, weights=hours[column].to_numpy(dtype=float), minlength=len(hour)
        )
        for column in columns
    }
    frame = pd.DataFrame({"hour": hour, **summed})
    return frame.astype({column: hours[column].dtype for column in columns})


def community_hours(data: MetricData) -> pd.DataFrame:
    """The whole community's hourly rollup (all channels summed per hour), kept."""
    if "community hours" not in data.shared:
        summed = summed_per_hour(data.channel_hours, HOURLY_COLUMNS[1:])
        data.shared["community hours"] = summed
    return data.shared["community hours"]


def community_window(data: MetricData, first: int, end: int, window: int):
    """The whole community's hourly rollup, and its message count over the `window` before
    each minute of [first + window, end): the same for every topic of a cycle, so kept."""
    key = (first, end, window)
    if key not in data.shared:
        minute = data.messages["minute"].to_numpy(dtype=np.int64)
        counts = rolling(per_minute(minute, None, first, end), window)[: end - first - window]
        data.shared[key] = (community_hours(data), counts)
    return data.shared[key]


def scoped(scope: Scope, data: MetricData) -> tuple[Rows, pd.DataFrame]:
    """The message rows and hourly rollup (summed per hour) of one concrete scope. A kind
    of message is read like a topic: its messages, and its count in the rollups as the
    hour's messages (only volume and share rules watch a kind). Worked out once per scope
    and data (every rule on the scope, every widened window of a drop rule reads the same;
    the arrays and frame are shared, so read-only)."""
    key = ("scoped", scope.kind, scope.value)
    if key not in data.shared:
        rows, hours = _scoped(scope, data)
        data.shared[key] = ({c: rows[c].to_numpy() for c in SCORED_COLUMNS if c in rows}, hours)
    return data.shared[key]


def _scoped(scope: Scope, data: MetricData) -> tuple[pd.DataFrame, pd.DataFrame]:
    if scope.kind == "kind":
        rows = data.messages[data.messages["kind"] == scope.value]
        hours = data.channel_hours.assign(messages=kind_counts(data.channel_hours, scope.value))
    elif scope.kind == "topic":
        return _of_topic(data, int(scope.value))
    else:
        rows, hours = data.messages, data.channel_hours
        channels = channels_of(scope, data)
        if channels is not None:
            rows = rows[rows["channel_id"].isin(channels)]
            hours = hours[hours["channel_id"].isin(channels)]
    counted = [c for c in HOURLY_COLUMNS[1:] if c in hours]  # a topic's authors: if read
    return rows, summed_per_hour(hours, counted)


def _of_topic(data: MetricData, topic: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One topic's links and hours (summed per hour), cut from every topic's links and
    hours sorted by topic once per data: a cycle reads each topic, a backtest nine or
    forty of them."""
    if "by topic" not in data.shared:
        links = data.topic_links.sort_values("topic_id", kind="stable")
        counted = [c for c in HOURLY_COLUMNS[1:] if c in data.topic_hours]
        hours = data.topic_hours.groupby(["topic_id", "hour"], as_index=False)[counted].sum()
        data.shared["by topic"] = (links, hours)
    links, hours = data.shared["by topic"]
    first, end = np.searchsorted(links["topic_id"].to_numpy(), [topic, topic + 1])
    first_hour, end_hour = np.searchsorted(hours["topic_id"].to_numpy(), [topic, topic + 1])
    own_hours = hours.iloc[first_hour:end_hour].drop(columns="topic_id")
    return links.iloc[first:end], own_hours.reset_index(drop=True)


def kind_counts(hours: pd.DataFrame, kind: str) -> pd.Series:
    """The messages of `kind` in each rollup row: its column, or for "other" what the
    columns of the other kinds leave."""
    if kind in KIND_COUNT_COLUMNS:
        return hours[KIND_COUNT_COLUMNS[kind]]
    return hours["messages"] - hours[list(KIND_COUNT_COLUMNS.values())].sum(axis=1)


def channels_of(scope: Scope, data: MetricData) -> list[int] | None:
    if scope.kind == "channel":
        return [int(scope.value)]
    if scope.kind == "platform":
        return [c for c, p in data.platforms.items() if p == scope.value]
    return None


def per_minute(minute: np.ndarray, weights: np.ndarray | None, first: int, end: int) -> np.ndarray:
    inside = (minute >= first) & (minute < end)
    return np.bincount(
        minute[inside] - first,
        weights=None if weights is None else weights[inside],
        minlength=end - first,
    ).astype(float)


def window_sums(rows: Rows, first: int, end: int, window: int) -> dict[str, np.ndarray]:
    """The rows' count over the window before each minute of [first + window, end), and
    their scored count, sentiment sum and negative count when the rows carry sentiment
    (rows read for counting alone carry only the minute)."""
    minute = np.asarray(rows["minute"], dtype=np.int64)
    inside = (minute >= first) & (minute < end)
    offset = minute[inside] - first
    columns: dict[str, np.ndarray | None] = {"count": None}
    if "sentiment" in rows:
        sentiment = np.asarray(rows["sentiment"], dtype=float)[inside]
        scored = ~np.isnan(sentiment)
        columns["scored"] = scored.astype(float)
        columns["sentiment"] = np.where(scored, sentiment, 0.0)
        columns["negative"] = (scored & (sentiment <= NEGATIVE_AT_MOST)).astype(float)
    size = end - first
    return {
        name: rolling(np.bincount(offset, weights, minlength=size).astype(float), window)[
            : size - window
        ]
        for name, weights in columns.items()
    }


def has_data(hours: pd.DataFrame, minutes: np.ndarray) -> np.ndarray:
    """Whether the scope had any message in the LOOKBACK_HOURS before each minute."""
    with_messages = hours.loc[hours["messages"] > 0, "hour"].to_numpy(dtype=np.int64)
    if not len(with_messages) or not len(minutes):
        return np.zeros(len(minutes), dtype=bool)
    current_hour = minutes // 60  # an hour's messages count once it has begun
    latest = np.searchsorted(np.sort(with_messages), current_hour, side="right")
    newest = np.where(latest > 0, np.sort(with_messages)[np.maximum(latest - 1, 0)], -(10**9))
    return (latest > 0) & (current_hour - newest < LOOKBACK_HOURS)


def count_baseline(
    rule: Rule, hours: pd.DataFrame, first: int, end: int, window: int, baseline=hourly_baseline
):
    """Expected count over each window and its sigma (Poisson noise plus the spread across
    weeks); NaN where no baseline exists or the metric is not a count. `baseline` gives
    the hours' mean and spread (hourly_baseline, or kept_baseline's memory of it)."""
    size = end - first - window
    if rule.metric not in COUNT_METRICS or rule.condition not in ("baseline_ratio", "zscore"):
        return np.full(size, np.nan), np.full(size, np.nan)
    column = "active_authors" if rule.metric == "active_members" else "messages"
    first_hour, end_hour = first // 60, -(-end // 60)
    mean, spread = baseline(hours, column, first_hour, end_hour)
    offsets = np.arange(first, end) // 60 - first_hour
    expected = rolling(mean[offsets] / 60, window)[:size]
    # the spread of each hour the window covers, for the minutes it covers (hours of one
    # week move together): a window astride a busy and a quiet hour gets both
    hour_spread = np.fmax(spread, SPREAD_FLOOR * mean)
    window_spread = rolling(hour_spread[offsets] / 60, window)[:size]
    sigma = np.sqrt(expected + window_spread**2)
    return expected, sigma


def kept_baseline(data: MetricData, key: tuple):
    """hourly_baseline for the hours of one scope (`key`), kept in the data for the widest
    range asked so far: an hour's baseline depends only on the hours before it, so a
    narrower range is a slice (the rules on one scope, a drop rule's widened windows)."""

    def baseline(hours: pd.DataFrame, column: str, first_hour: int, end_hour: int):
        memo_key = ("baseline", key, column)
        kept = data.shared.get(memo_key)
        if kept is None or kept[0] > first_hour or kept[1] < end_hour:
            low = first_hour if kept is None else min(first_hour, kept[0])
            high = end_hour if kept is None else max(end_hour, kept[1])
            kept = (low, high, *hourly_baseline(hours, column, low, high))
            data.shared[memo_key] = kept
        low, _, mean, spread = kept
        return mean[first_hour - low : end_hour - low], spread[first_hour - low : end_hour - low]

    return baseline
