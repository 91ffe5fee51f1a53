"""Series for the pages and the viewer's time ranges, worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from analysis.series import (
    counting_only,
    kinds_over_time,
    label_distribution,
    minute_counts,
    rising_topics,
    sentiment_series,
)
from dashboard.web.timeranges import bucket_for, custom_range, preset_range, range_with_data

ROLLUP_COLUMNS = [
    "hour",
    "channel_id",
    "messages",
    "active_authors",
    "new_authors",
    "sentiment_sum",
    "sentiment_count",
    "negative_count",
    "positive_count",
    "unscored_count",
]


def _rollup(rows):
    return pd.DataFrame(rows, columns=ROLLUP_COLUMNS)


def test_days_are_the_viewers_days():
    # 23:00 UTC on 1 March is 07:00 on 2 March in Shanghai
    rollup = _rollup(
        [
            (datetime(2026, 3, 1, 23, tzinfo=UTC), 1, 4, 2, 0, 1.0, 4, 1, 2, 0),
            (datetime(2026, 3, 1, 15, tzinfo=UTC), 1, 2, 1, 0, -1.0, 1, 1, 0, 1),
        ]
    )
    shanghai = sentiment_series(rollup, {1: "general"}, "day", "Asia/Shanghai")
    days = shanghai[shanghai["channel"] == "general"]["bucket"].dt.strftime("%m-%d").tolist()
    assert days == ["03-01", "03-02"]
    utc = sentiment_series(rollup, {1: "general"}, "day", "UTC")
    total = utc[utc["channel"] == "All channels"].iloc[0]
    assert (total["messages"], total["sentiment_count"]) == (6, 5)
    assert total["avg_sentiment"] == pytest.approx(0.0)
    assert total["negative_share"] == pytest.approx(2 / 5)


def test_weeks_start_on_monday_across_a_dst_change():
    # 2026-03-08 is the US change to summer time; Monday 2026-03-09 starts the next week
    hours = [datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 3, 10, 7, tzinfo=UTC)]
    rollup = _rollup([(h, 1, 1, 1, 0, 0.5, 1, 0, 1, 0) for h in hours])
    series = sentiment_series(rollup, {1: "c"}, "week", "America/Los_Angeles")
    weeks = series[series["channel"] == "c"]["bucket"].dt.strftime("%Y-%m-%d %H:%M %Z").tolist()
    assert weeks == ["2026-03-02 00:00 PST", "2026-03-09 00:00 PDT"]


def test_label_distribution_counts_neutral_as_the_rest():
    rollup = _rollup([(datetime(2026, 3, 1, tzinfo=UTC), 1, 10, 3, 0, 0.0, 8, 2, 3, 2)])
    frame = label_distribution(rollup, {1: "general"})
    assert dict(zip(frame["label"], frame["messages"], strict=True)) == {
        "negative": 2,
        "neutral": 3,
        "positive": 3,
        "unscored": 2,
    }


def test_rising_topics_ranks_by_how_surely_they_rose():
    current = pd.DataFrame({"topic_id": [1, 2, 3, 4, 5], "messages": [30, 5, 1, 199, 2]})
    previous = pd.DataFrame({"topic_id": [1, 2, 4, 5], "messages": [9, 5, 100, 8]})
    names = {1: "billing", 2: "bugs", 3: "new", 4: "login", 5: "fading"}
    rising = rising_topics(current, previous, names)
    # rises in Poisson sigmas: login 99/√299 = 5.73, billing 21/√39 = 3.36, new 1/√1,
    # bugs 0, fading -6/√10 = -1.90; "new" doubled too, on one message
    assert rising["topic"].tolist() == ["login", "billing", "new", "bugs", "fading"]
    assert rising["growth"].tolist() == pytest.approx([200 / 101, 31 / 10, 2, 1, 3 / 9])
    assert list(rising.columns) == ["topic", "messages", "previous", "growth"]
    from dashboard.charts.topics import FALL, RISE
    from dashboard.charts.topics import rising_topics as rising_chart

    bars = rising_chart(rising).data[0]  # drawn bottom-up: the surest rise on top
    assert list(bars.y) == ["fading", "bugs", "new", "billing", "login"]
    assert list(bars.marker.color) == [FALL, FALL, RISE, RISE, RISE]


def test_minute_counts_include_empty_minutes():
    end = datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)
    times = [
        datetime(2026, 3, 1, 11, 58, 5, tzinfo=UTC),
        datetime(2026, 3, 1, 11, 58, 50, tzinfo=UTC),
        datetime(2026, 3, 1, 11, 59, 1, tzinfo=UTC),
    ]
    per_minute = pd.Series(1, index=pd.to_datetime(times, utc=True)).resample("min").sum()
    frame = minute_counts(per_minute, end, 5)
    assert frame["messages"].tolist() == [0, 0, 0, 2, 1]
    assert frame["minute"].iloc[0] == pd.Timestamp("2026-03-01 11:55", tz="UTC")
    assert minute_counts(pd.Series(dtype=int), end, 3)["messages"].tolist() == [0, 0, 0]


def test_preset_range_includes_the_current_hour():
    now = datetime(2026, 3, 1, 12, 34, tzinfo=UTC)
    window = preset_range("Last 24 hours", now)
    assert (window.start, window.end) == (
        datetime(2026, 2, 28, 13, tzinfo=UTC),
        datetime(2026, 3, 1, 13, tzinfo=UTC),
    )
    assert window.previous().end == window.start


def test_custom_range_is_whole_local_days():
    window = custom_range(date(2026, 3, 8), date(2026, 3, 8), "America/Los_Angeles")
    assert window.start == datetime(2026, 3, 8, 8, tzinfo=UTC)  # midnight PST
    assert window.end == datetime(2026, 3, 9, 7, tzinfo=UTC)  # midnight PDT: a 23-hour day
    assert custom_range(date(2026, 3, 9), date(2026, 3, 8), "UTC").length == timedelta(days=2)


@pytest.mark.parametrize(
    ("days", "bucket"), [(1, "hour"), (3, "hour"), (4, "day"), (120, "day"), (121, "week")]
)
def test_bucket_follows_the_range(days, bucket):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert bucket_for(range_with_data(start, timedelta(days=days))) == bucket


def test_partial_buckets_by_hand():
    from analysis.series import partial_buckets

    utc = UTC
    # 2026-03-02 14:00 to 2026-03-05 09:00 UTC, in UTC days: the first and last days are part
    start, end = datetime(2026, 3, 2, 14, tzinfo=utc), datetime(2026, 3, 5, 9, tzinfo=utc)
    assert [b.isoformat() for b in partial_buckets(start, end, "day", "UTC")] == [
        "2026-03-02T00:00:00+00:00",
        "2026-03-05T00:00:00+00:00",
    ]
    # whole days: nothing partial; in Los Angeles (UTC-8) the same whole UTC days are cut
    whole = (datetime(2026, 3, 2, tzinfo=utc), datetime(2026, 3, 5, tzinfo=utc))
    assert partial_buckets(*whole, "day", "UTC") == []
    assert [b.isoformat() for b in partial_buckets(*whole, "day", "America/Los_Angeles")] == [
        "2026-03-01T00:00:00-08:00",
        "2026-03-04T00:00:00-08:00",
    ]
    # hours are never cut by hour-aligned ranges; one day inside one week is that week, once
    assert partial_buckets(start, end, "hour", "UTC") == []
    day = (datetime(2026, 3, 3, tzinfo=utc), datetime(2026, 3, 4, tzinfo=utc))
    assert [b.isoformat() for b in partial_buckets(*day, "week", "UTC")] == [
        "2026-03-02T00:00:00+00:00"
    ]


def test_kinds_over_time_counts_each_kind_per_day_and_the_rest_as_other():
    hours = pd.to_datetime(["2026-03-02 09:00", "2026-03-02 17:00", "2026-03-03 09:00"], utc=True)
    rollup = pd.DataFrame(
        {
            "hour": hours,
            "messages": [10, 5, 4],
            "question_count": [3, 1, 0],
            "bug_report_count": [2, 0, 1],
            "feature_request_count": [0, 0, 0],
            "complaint_count": [1, 1, 0],
            "praise_count": [0, 2, 0],
        }
    )
    kinds = kinds_over_time(rollup, "day", "UTC").set_index(["kind", "bucket"])["messages"]
    first, second = pd.Timestamp("2026-03-02", tz="UTC"), pd.Timestamp("2026-03-03", tz="UTC")
    assert kinds[("question", first)] == 4 and kinds[("question", second)] == 0
    assert kinds[("bug_report", first)] == 2 and kinds[("bug_report", second)] == 1
    assert kinds[("praise", first)] == 2
    assert kinds[("other", first)] == 15 - 4 - 2 - 2 - 2  # what no kind count holds: 5
    assert kinds[("other", second)] == 3
    assert kinds.groupby(level="bucket").sum().tolist() == [15, 4]  # every message once
    counted = counting_only(rollup, "question")
    assert counted["messages"].tolist() == [3, 1, 0]
    assert counting_only(rollup, None) is rollup
