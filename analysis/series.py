"""Turn hourly rollup rows into the series the pages draw. Pure pandas.

Rollup hours are UTC; buckets are local to the viewer's time zone, so a "day"
is the viewer's day.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from analysis.kinds import KIND_COUNT_COLUMNS, OTHER

ADDITIVE = [
    "messages",
    "sentiment_sum",
    "sentiment_count",
    "negative_count",
    "positive_count",
    "unscored_count",
]
_FREQ = {"hour": "h", "day": "D", "week": "W-MON"}


def local_bucket(hours: pd.Series, bucket: str, timezone: str) -> pd.Series:
    """The start of the local bucket each UTC hour falls in."""
    local = pd.to_datetime(hours, utc=True).dt.tz_convert(timezone)
    if bucket == "hour":
        return local
    if bucket == "day":
        return local.dt.floor("D", ambiguous=False, nonexistent="shift_forward")
    days = local.dt.floor("D", ambiguous=False, nonexistent="shift_forward")
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


BUCKET_LENGTH = {
    "hour": pd.Timedelta(hours=1),
    "day": pd.DateOffset(days=1),  # local days: 23 or 25 hours across a DST change
    "week": pd.DateOffset(weeks=1),
}


def partial_buckets(start: datetime, end: datetime, bucket: str, timezone: str) -> list:
    """The local buckets at either end of [start, end) that it covers only in part (a range
    or a community's data that begins at 14:00 holds part of that day): drawn as full
    buckets, they read as a sudden drop."""
    if end <= start:
        return []
    last_moment = pd.Timestamp(end) - pd.Timedelta(microseconds=1)
    ends = pd.Series([pd.Timestamp(start).floor("h"), last_moment.floor("h")])
    first, last = local_bucket(ends, bucket, timezone)
    partial = [first] if pd.Timestamp(start) > first else []
    if pd.Timestamp(end) < last + BUCKET_LENGTH[bucket] and last not in partial:
        partial.append(last)
    return partial


def bucket_edges(start: datetime, end: datetime, bucket: str, timezone: str) -> tuple:
    """(start, ..., end): the UTC hours between start and end at which the local `bucket`
    changes, so that rollup hours summed between two edges fall in one bucket each, and
    `local_bucket` of an edge is its bucket. Lets a database sum a year into 53 rows."""
    hours = pd.Series(pd.date_range(pd.Timestamp(start).ceil("h"), end, freq="h", inclusive="left"))
    if hours.empty:
        return (start, end)
    buckets = local_bucket(hours, bucket, timezone)
    changes = hours[(buckets != buckets.shift()).to_numpy()].iloc[1:]
    return (start, *(h.to_pydatetime() for h in changes), end)


def with_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Add average sentiment and negative share (of scored messages); NaN where none scored."""
    frame = frame.copy()
    scored = frame["sentiment_count"].where(frame["sentiment_count"] > 0)
    frame["avg_sentiment"] = frame["sentiment_sum"] / scored
    frame["negative_share"] = frame["negative_count"] / scored
    return frame


def _bucketed(
    rollup: pd.DataFrame,
    key: str,
    names: dict[int, str],
    label: str,
    bucket: str,
    timezone: str,
) -> pd.DataFrame:
    """The rollup with its local `bucket` and the `label` named from the `key` id column."""
    return rollup.assign(
        bucket=local_bucket(rollup["hour"], bucket, timezone), **{label: rollup[key].map(names)}
    )


def sentiment_series(
    rollup: pd.DataFrame, channel_names: dict[int, str], bucket: str, timezone: str
) -> pd.DataFrame:
    """Per bucket and channel, plus an "All channels" row per bucket."""
    if rollup.empty:
        return pd.DataFrame(columns=["bucket", "channel", *ADDITIVE, "avg_sentiment"])
    frame = _bucketed(rollup, "channel_id", channel_names, "channel", bucket, timezone)
    per_channel = frame.groupby(["bucket", "channel"], as_index=False)[ADDITIVE].sum()
    total = frame.groupby("bucket", as_index=False)[ADDITIVE].sum().assign(channel="All channels")
    return with_ratios(pd.concat([total, per_channel], ignore_index=True))


def kinds_over_time(rollup: pd.DataFrame, bucket: str, timezone: str) -> pd.DataFrame:
    """Messages of each kind per bucket (bucket, kind, messages), from the rollups' kind
    counts; "other" is what no kind count holds. Every kind in every bucket, zeros too."""
    columns = ["bucket", "kind", "messages"]
    if rollup.empty:
        return pd.DataFrame(columns=columns)
    counted = list(KIND_COUNT_COLUMNS.values())
    sums = (
        rollup.assign(bucket=local_bucket(rollup["hour"], bucket, timezone))
        .groupby("bucket")[["messages", *counted]]
        .sum()
    )
    sums[OTHER] = sums["messages"] - sums[counted].sum(axis=1)
    sums = sums.rename(columns={column: kind for kind, column in KIND_COUNT_COLUMNS.items()})
    long = (
        sums[[*KIND_COUNT_COLUMNS, OTHER]]
        .reset_index()
        .melt(id_vars="bucket", var_name="kind", value_name="messages")
    )
    return long[columns].astype({"messages": "int64"})


def counting_only(rollup: pd.DataFrame, kind: str | None) -> pd.DataFrame:
    """The rollup with `messages` counting only messages of `kind` (one of
    KIND_COUNT_COLUMNS; None: every message), for charts of volume."""
    if kind is None or rollup.empty:
        return rollup
    return rollup.assign(messages=rollup[KIND_COUNT_COLUMNS[kind]])


def label_distribution(rollup: pd.DataFrame, channel_names: dict[int, str]) -> pd.DataFrame:
    """Messages per channel by label: negative, neutral, positive, unscored."""
    columns = ["channel", "label", "messages"]
    if rollup.empty:
        return pd.DataFrame(columns=columns)
    sums = rollup.groupby("channel_id")[ADDITIVE].sum()
    sums["neutral"] = sums["sentiment_count"] - sums["negative_count"] - sums["positive_count"]
    sums = sums.rename(
        columns={
            "negative_count": "negative",
            "positive_count": "positive",
            "unscored_count": "unscored",
        }
    )
    labels = ["negative", "neutral", "positive", "unscored"]
    long = (
        sums[labels]
        .reset_index()
        .melt(id_vars="channel_id", var_name="label", value_name="messages")
    )
    long["channel"] = long["channel_id"].map(channel_names)
    return long[columns]


def topic_heat(
    rollup: pd.DataFrame, topic_names: dict[int, str], bucket: str, timezone: str
) -> pd.DataFrame:
    """Per bucket and topic: messages, average sentiment and negative share."""
    if rollup.empty:
        return pd.DataFrame(columns=["bucket", "topic", *ADDITIVE, "avg_sentiment"])
    frame = _bucketed(rollup, "topic_id", topic_names, "topic", bucket, timezone)
    return with_ratios(frame.groupby(["bucket", "topic"], as_index=False)[ADDITIVE].sum())


def rising_topics(
    current: pd.DataFrame, previous: pd.DataFrame, topic_names: dict[int, str]
) -> pd.DataFrame:
    """Topics ranked by how surely their volume rose against the previous period: the rise
    (now − before) in Poisson standard deviations, (now − before) / √(now + before), so a
    topic going from 0 to 1 message (1 σ) ranks below one going from 100 to 199 (5.7 σ),
    though both doubled. Growth, shown beside it, is (now + 1) / (before + 1), so a topic
    from 0 to 1 message is not "infinitely" rising."""
    now = current.groupby("topic_id")["messages"].sum() if not current.empty else pd.Series()
    before = previous.groupby("topic_id")["messages"].sum() if not previous.empty else pd.Series()
    ids = sorted(set(now.index) | set(before.index))
    frame = pd.DataFrame(
        {
            "topic": [topic_names.get(i, str(i)) for i in ids],
            "messages": [int(now.get(i, 0)) for i in ids],
            "previous": [int(before.get(i, 0)) for i in ids],
        }
    )
    if frame.empty:
        return frame.assign(growth=pd.Series(dtype=float))
    frame["growth"] = (frame["messages"] + 1) / (frame["previous"] + 1)
    both = (frame["messages"] + frame["previous"]).clip(lower=1)
    rise = (frame["messages"] - frame["previous"]) / np.sqrt(both)
    ranked = frame.assign(rise=rise).sort_values(
        ["rise", "growth", "messages"], ascending=False, ignore_index=True
    )
    return ranked.drop(columns="rise")


def minute_counts(per_minute: pd.Series, end: datetime, minutes: int) -> pd.DataFrame:
    """Messages per minute for the `minutes` whole minutes before `end` (zeros included),
    from counts indexed by UTC minute."""
    last = pd.Timestamp(end).floor("min")
    index = pd.date_range(end=last, periods=minutes + 1, freq="min", inclusive="left")
    counts = (
        per_minute.reindex(index, fill_value=0) if len(per_minute) else pd.Series(0, index=index)
    )
    return pd.DataFrame({"minute": index, "messages": counts.to_numpy(dtype=int)})
