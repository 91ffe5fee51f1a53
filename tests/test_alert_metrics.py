"""Rule scores on small hand-built data, values worked out by hand."""

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from alerts.metrics import distinct_authors, score_series
from alerts.rules import Rule, Scope
from alerts.windows import MetricData
from dashboard.charts.alerts import label_rows, merged_spans

H = 500_000  # an hour, in hours since the epoch
T = H * 60  # its first minute
MESSAGE_COLUMNS = ["minute", "channel_id", "member_id", "sentiment", "is_bot"]
HOUR_COLUMNS = [
    "hour",
    "channel_id",
    "messages",
    "active_authors",
    "sentiment_count",
    "negative_count",
]


def rule(**overrides) -> Rule:
    fields = {
        "name": "r",
        "metric": "volume",
        "condition": "threshold",
        "direction": "above",
        "threshold": 1.0,
        "window_minutes": 10,
    }
    return Rule(**{**fields, **overrides})


def data(messages, hours=None, forecasts=None) -> MetricData:
    frame = pd.DataFrame(messages, columns=MESSAGE_COLUMNS).astype(
        {"minute": "int64", "sentiment": float, "is_bot": bool}
    )
    if hours is None:  # one earlier hour with a message: the scope has data
        hours = [(H - 1, 1, 1, 1, 1, 0)]
    return MetricData(
        first=T - 2000,
        end=T + 2000,
        messages=frame,
        topic_links=frame.assign(topic_id=1).iloc[0:0],
        channel_hours=pd.DataFrame(hours, columns=HOUR_COLUMNS),
        topic_hours=pd.DataFrame(columns=["hour", "topic_id", *HOUR_COLUMNS[2:]]),
        forecasts=forecasts or {},
        channel_names={1: "general"},
    )


def scores_at(rule_, data_, *minutes) -> pd.DataFrame:
    frame = score_series(rule_, Scope(), data_, min(minutes), max(minutes) + 1)
    return frame.set_index("minute").loc[list(minutes)]


def test_volume_counts_the_window_before_each_minute():
    messages = [(T - 5, 1, 1, 0.0, False)] * 2 + [(T - 15, 1, 2, 0.0, False), (T + 3, 1, 3, 0, 0)]
    frame = scores_at(rule(), data(messages), T, T + 4, T + 20)
    # [T-10, T): two; [T-6, T+4): those two and the one at T+3; [T+10, T+20): none
    assert frame["value"].tolist() == [2, 3, 0]
    assert frame["score"].tolist() == [2, 3, 0]


def test_active_members_counts_each_human_once():
    messages = [
        (T - 5, 1, 1, 0.0, False),
        (T - 3, 1, 1, 0.0, False),
        (T - 3, 1, 2, 0.0, False),
        (T - 2, 1, 9, 0.0, True),  # a bot
    ]
    frame = scores_at(rule(metric="active_members"), data(messages), T, T + 6, T + 8)
    assert frame["value"].tolist() == [2, 2, 0]  # at T+8 the window starts at T-2


def test_active_members_of_a_quiet_window_is_zero():
    # no human wrote near the minutes judged (a quiet channel, a minute past the data):
    # the cycle once failed here with an IndexError
    messages = [(T - 500, 1, 1, 0.0, False), (T - 3, 1, 9, 0.0, True)]
    frame = scores_at(rule(metric="active_members"), data(messages), T + 30)
    assert frame["value"].tolist() == [0]


def test_distinct_authors_matches_a_brute_force_count():
    rng = np.random.default_rng(3)
    rows = pd.DataFrame(
        {
            "member_id": rng.integers(0, 6, 300),
            "minute": rng.integers(0, 500, 300),
            "is_bot": rng.random(300) < 0.1,
        }
    )
    minutes = np.arange(0, 520)
    fast = distinct_authors(rows, minutes, 17)
    humans = rows[~rows["is_bot"]]
    slow = [
        humans[(humans["minute"] >= t - 17) & (humans["minute"] < t)]["member_id"].nunique()
        for t in minutes
    ]
    assert fast.tolist() == slow


def test_sentiment_shares_leave_unscored_messages_out():
    sentiments = [-0.5, 0.5, math.nan, -0.05]
    messages = [(T - 1, 1, n, s, False) for n, s in enumerate(sentiments)]
    negative = scores_at(rule(metric="negative_share"), data(messages), T)
    average = scores_at(rule(metric="avg_sentiment"), data(messages), T)
    assert negative["value"].iloc[0] == pytest.approx(2 / 3)  # -0.05 counts as negative
    assert average["value"].iloc[0] == pytest.approx((-0.5 + 0.5 - 0.05) / 3)
    empty = scores_at(rule(metric="negative_share"), data(messages), T + 30)
    assert math.isnan(empty["score"].iloc[0])  # nothing scored in the window: no data


def baseline_data(observed: int) -> MetricData:
    """The same hour in the three weeks before had 60, 90 and 30 messages (the archive
    starts three weeks back, so earlier weeks are unknown, not zero); `observed` now."""
    hours = [(H - 168 * k, 1, n, n, n, 0) for k, n in ((1, 60), (2, 90), (3, 30))]
    messages = [(T + (i % 60), 1, i, 0.0, False) for i in range(observed)]
    return data(messages, hours)


def test_ratio_to_the_same_hour_of_the_week():
    frame = scores_at(
        rule(condition="baseline_ratio", window_minutes=60, threshold=1.5),
        baseline_data(120),
        T + 60,
    )
    assert frame["score"].iloc[0] == pytest.approx(120 / 60)
    assert frame["limit"].iloc[0] == pytest.approx(60 * 1.5)


def test_z_score_against_the_same_hour_of_the_week():
    frame = scores_at(rule(condition="zscore", window_minutes=60), baseline_data(120), T + 60)
    spread = math.sqrt(((60 - 60) ** 2 + (90 - 60) ** 2 + (30 - 60) ** 2) / 3)
    assert frame["score"].iloc[0] == pytest.approx((120 - 60) / math.sqrt(60 + spread**2))


def test_too_little_history_is_no_data():
    # messages 8 days back only: not this hour on any of the 7 days before, and fewer
    # than two weeks at this hour of the week
    hours = [(H - 200, 1, 60, 60, 60, 0)]
    frame = scores_at(rule(condition="zscore", window_minutes=60), data([], hours), T + 60)
    assert math.isnan(frame["score"].iloc[0])
    assert math.isnan(scores_at(rule(), data([], hours=[]), T)["score"].iloc[0])  # no data at all


def test_a_young_community_is_judged_against_the_same_hour_on_the_days_before():
    # three days of history: this hour had 40 and 80 messages the two days before, and
    # nothing three days before (the community's first hour, so a known zero)
    hours = [(H - 72, 1, 1, 1, 1, 0), (H - 48, 1, 80, 80, 80, 0), (H - 24, 1, 40, 40, 40, 0)]
    zscore = scores_at(rule(condition="zscore", window_minutes=60), data([], hours), T + 60)
    # the days 1..7 back known since the first hour: 40, 80, 1 (day 3), mean 121 / 3
    mean = (40 + 80 + 1) / 3
    spread = math.sqrt(((40 - mean) ** 2 + (80 - mean) ** 2 + (1 - mean) ** 2) / 3)
    assert zscore["score"].iloc[0] == pytest.approx((0 - mean) / math.sqrt(mean + spread**2))
    ratio = scores_at(rule(condition="baseline_ratio", window_minutes=60), data([], hours), T + 60)
    assert ratio["score"].iloc[0] == 0.0  # nothing this hour: a drop to 0 of usual


def test_distance_from_the_forecast_band_in_half_widths():
    band = pd.DataFrame({"hour": [H], "yhat": [60.0], "yhat_lower": [40.0], "yhat_upper": [100.0]})
    forecasts = {("community", 0): band}
    above = rule(condition="forecast_band", window_minutes=60)
    for observed, expected in ((120, (120 - 60) / 40), (50, (50 - 60) / 20)):
        messages = [(T + (i % 60), 1, i, 0.0, False) for i in range(observed)]
        frame = scores_at(above, data(messages, forecasts=forecasts), T + 60)
        assert frame["score"].iloc[0] == pytest.approx(expected)
    assert frame["limit"].iloc[0] == pytest.approx(60 + 1.0 * 40)


def test_predicted_spike_is_the_forecast_peak_over_normal():
    hours = [(H - h, 1, 10, 10, 10, 0) for h in range(1, 7 * 24 + 1)]  # 10 an hour for a week
    ahead = pd.DataFrame(
        {
            "hour": range(H, H + 30),
            "yhat": [45.0 if h == H + 5 else 10.0 for h in range(H, H + 30)],
            "yhat_lower": 5.0,
            "yhat_upper": 50.0,
        }
    )
    spike = rule(metric="predicted_spike", threshold=3.0)
    frame = scores_at(spike, data([], hours, {("community", 0): ahead}), T + 10)
    assert frame["score"].iloc[0] == pytest.approx(4.5)
    # the value charts draw and episodes peak at is the ratio its label names, the
    # threshold line at 3 of it
    assert frame["value"].iloc[0] == pytest.approx(4.5)
    assert frame["limit"].iloc[0] == 3.0
    assert frame["guard"].iloc[0] == pytest.approx(45.0)  # the volume the guard checks
    # two days of history are too few for a normal: no score, never an episode
    young = [(H - h, 1, 10, 10, 10, 0) for h in range(1, 2 * 24 + 1)]
    frame = scores_at(spike, data([], young, {("community", 0): ahead}), T + 10)
    assert math.isnan(frame["score"].iloc[0])
    # three days are enough; the hours before the first message are not zeros of normal
    three = [(H - h, 1, 10, 10, 10, 0) for h in range(1, 3 * 24 + 1)]
    frame = scores_at(spike, data([], three, {("community", 0): ahead}), T + 10)
    assert frame["score"].iloc[0] == pytest.approx(4.5)
    # a gap of two days (a stopped import) does not pull the median normal down
    gap = [row for row in hours if not H - 3 * 24 <= row[0] < H - 24]
    frame = scores_at(spike, data([], gap, {("community", 0): ahead}), T + 10)
    assert frame["score"].iloc[0] == pytest.approx(4.5)


def test_a_predicted_spike_is_read_at_hours_forecast_busy_enough_as_the_forecasts_page_does():
    """A night hour forecast at 3.5 messages against a normal of 1 read as a 3.5x spike
    while the guard checked the day's busiest hour (12 messages): the demo's security
    topic fired for a day at 3.09x while the Forecasts page said no topic would pass 3x.
    Both now read only the hours forecast at the minimum volume or more."""
    from forecasting.spikes import predicted_spike

    def usual(hour: int) -> float:  # 1 message an hour at night (0-5 h), 6 by day
        return 1.0 if hour % 24 < 6 else 6.0

    history = range(H - 7 * 24, H + 1)
    hours = [(h, 1, usual(h), usual(h), usual(h), 0) for h in history]
    ahead_hours = range(H + 1, H + 31)
    night, afternoon = H + 18, H + 6  # H is 08:00: 02:00 and 14:00
    assert (night % 24, afternoon % 24) == (2, 14)
    yhat = [3.5 if h == night else 12.0 if h == afternoon else usual(h) for h in ahead_hours]
    ahead = pd.DataFrame({"hour": ahead_hours, "yhat": yhat, "yhat_lower": 0.0, "yhat_upper": 20.0})
    spike = rule(metric="predicted_spike", threshold=3.0, min_volume=5)
    frame = scores_at(spike, data([], hours, {("community", 0): ahead}), T + 10)
    assert frame["score"].iloc[0] == pytest.approx(12.0 / 6.0)  # 14:00, not 02:00's 3.5

    def moment(hour: int) -> datetime:
        return datetime.fromtimestamp(hour * 3600, UTC)

    actual = pd.DataFrame({"ds": [moment(h) for h in history], "y": [usual(h) for h in history]})
    page_ahead = ahead.assign(ds=[moment(h) for h in ahead_hours])
    assert predicted_spike(page_ahead, actual, moment(H), factor=3.0, min_volume=5) is None
    found = predicted_spike(page_ahead, actual, moment(H), factor=1.5, min_volume=5)
    assert (found.at.hour, found.ratio) == (14, pytest.approx(2.0))


def test_overlapping_episodes_share_one_shaded_span():
    at = datetime(2026, 11, 24, 15, tzinfo=UTC)
    episodes = pd.DataFrame(
        {
            "started_at": [at, at + timedelta(minutes=20), at + timedelta(hours=5)],
            "ended_at": [at + timedelta(minutes=40), at + timedelta(minutes=90), None],
            "severity": ["warning", "critical", "info"],
            "rule_name": ["Topic spike", "Volume surge", "Predicted topic spike"],
        }
    )
    spans = merged_spans(episodes, at - timedelta(hours=1), at + timedelta(hours=6))
    assert [(s["start"], s["end"], s["severity"], s["label"]) for s in spans] == [
        (at, at + timedelta(minutes=90), "critical", "Topic spike +1"),
        (at + timedelta(hours=5), at + timedelta(hours=6), "info", "Predicted topic spike"),
    ]


def share_data(topic_in_window: int) -> MetricData:
    """A week of 200 messages an hour, 10 of them on topic 1 (a usual share of 5%); then
    the hour H, with 200 messages again, `topic_in_window` of them on topic 1."""
    week = range(H - 7 * 24, H)
    channel_hours = pd.DataFrame([(h, 1, 200, 50, 200, 0) for h in week], columns=HOUR_COLUMNS)
    topic_hours = pd.DataFrame(
        [(h, 1, 10, 10, 10, 0) for h in week], columns=["hour", "topic_id", *HOUR_COLUMNS[2:]]
    )
    messages = pd.DataFrame(
        [(T + n % 60, 1, n, 0.0, False) for n in range(200)], columns=MESSAGE_COLUMNS
    )
    links = messages.head(topic_in_window).assign(topic_id=1)
    return MetricData(
        first=T - 2000,
        end=T + 2000,
        messages=messages,
        topic_links=links,
        channel_hours=channel_hours,
        topic_hours=topic_hours,
        channel_names={1: "general"},
        topic_names={1: "admissions"},
    )


def test_the_share_rule_fires_on_a_doubling_share_at_flat_volume():
    share = rule(metric="topic_share", condition="baseline_ratio", threshold=2.0, window_minutes=60)
    frame = score_series(share, Scope("topic", 1), share_data(40), T + 60, T + 61)
    # 40 of the hour's 200 messages: a share of 20%; less three Poisson sigmas of the 40,
    # (40 - 3 x sqrt(40)) / 200 = 0.1051, against the usual 10 / 200 = 5%: 2.10 x usual
    assert frame["value"].iloc[0] == pytest.approx(0.2)
    assert frame["score"].iloc[0] == pytest.approx((40 - 3 * math.sqrt(40)) / 200 / 0.05)
    assert frame["score"].iloc[0] == pytest.approx(2.103, abs=1e-3)
    # the line a chart draws: the share whose count k, less its 3 sigmas, is 2 x 5% of
    # 200 = 20 messages: k - 3 sqrt(k) = 20, sqrt(k) = (3 + sqrt(9 + 80)) / 2, k = 38.65
    assert frame["limit"].iloc[0] == pytest.approx(((3 + math.sqrt(89)) / 2) ** 2 / 200)
    assert frame["limit"].iloc[0] == pytest.approx(0.1933, abs=1e-4)
    assert frame["guard"].iloc[0] == 40  # min_volume counts the topic's own messages
    # the volume did not move: 200 in the hour, as on each of the days before (z = 0)
    volume = rule(condition="zscore", threshold=6.0, window_minutes=60)
    flat = score_series(volume, Scope(), share_data(40), T + 60, T + 61)
    assert flat["score"].iloc[0] == pytest.approx(0.0)
    # a few messages more than usual are noise: 14 of 200 (7%) is less than usual, surely
    noise = score_series(share, Scope("topic", 1), share_data(14), T + 60, T + 61)
    assert noise["score"].iloc[0] == pytest.approx((14 - 3 * math.sqrt(14)) / 200 / 0.05)
    assert noise["score"].iloc[0] < 1


def test_the_usual_share_waits_for_enough_messages():
    data = share_data(40)
    sparse = MetricData(  # 99 messages in the week before: too few to know a usual share
        first=data.first,
        end=data.end,
        messages=data.messages,
        topic_links=data.topic_links,
        channel_hours=data.channel_hours.assign(messages=[99] + [0] * 167),
        topic_hours=data.topic_hours.assign(messages=[5] + [0] * 167),
    )
    share = rule(metric="topic_share", condition="baseline_ratio", window_minutes=60)
    frame = score_series(share, Scope("topic", 1), sparse, T + 60, T + 61)
    assert math.isnan(frame["score"].iloc[0])


def kind_data(bugs_in_window: int) -> MetricData:
    """share_data's week and hour again, the topic's messages now bug reports: 10 of each
    hour's 200 in the week before (5%), `bugs_in_window` of the hour H's 200."""
    week = range(H - 7 * 24, H)
    kinds = ["question_count", "bug_report_count", "feature_request_count"]
    kinds += ["complaint_count", "praise_count"]
    channel_hours = pd.DataFrame(
        [(h, 1, 200, 50, 200, 0, 30, 10, 0, 0, 0) for h in week], columns=HOUR_COLUMNS + kinds
    )
    messages = pd.DataFrame(
        [(T + n % 60, 1, n, 0.0, False) for n in range(200)], columns=MESSAGE_COLUMNS
    ).assign(kind=["bug_report"] * bugs_in_window + ["other"] * (200 - bugs_in_window))
    return MetricData(
        first=T - 2000,
        end=T + 2000,
        messages=messages,
        topic_links=messages.assign(topic_id=1).iloc[0:0],
        channel_hours=channel_hours,
        topic_hours=pd.DataFrame(columns=["hour", "topic_id", *HOUR_COLUMNS[2:]]),
        channel_names={1: "general"},
    )


def test_a_kinds_share_and_volume_are_read_like_a_topics():
    share = rule(metric="kind_share", condition="baseline_ratio", threshold=2.0, window_minutes=60)
    frame = score_series(share, Scope("kind", "bug_report"), kind_data(40), T + 60, T + 61)
    # as for the topic: (40 - 2 x sqrt(40)) / 200 against the usual 10 / 200
    assert frame["value"].iloc[0] == pytest.approx(0.2)
    assert frame["score"].iloc[0] == pytest.approx((40 - 3 * math.sqrt(40)) / 200 / 0.05)
    assert frame["score"].iloc[0] == pytest.approx(2.103, abs=1e-3)
    assert frame["guard"].iloc[0] == 40
    # the volume of bug reports against the same hour of the days before: 10 an hour
    volume = rule(condition="baseline_ratio", threshold=3.0, window_minutes=60)
    counted = score_series(volume, Scope("kind", "bug_report"), kind_data(40), T + 60, T + 61)
    assert counted["value"].iloc[0] == 40
    assert counted["score"].iloc[0] == pytest.approx(4.0)  # 40 ÷ the usual 10
    # "other" is what the kinds' columns leave: 200 - 30 - 10 = 160 an hour
    others = score_series(volume, Scope("kind", "other"), kind_data(40), T + 60, T + 61)
    assert others["score"].iloc[0] == pytest.approx(160 / 160)


def test_a_label_that_would_run_into_the_one_before_goes_a_row_lower():
    """A week's chart: a character of a label takes 1/130 of it (77.5 minutes), so
    "Activity drop" (13 characters) runs 16.8 hours past its band's start."""
    start = datetime(2026, 11, 30, tzinfo=UTC)
    week = timedelta(days=7)

    def span(hours: float, label: str) -> dict:
        return {"start": start + timedelta(hours=hours), "label": label}

    spans = [
        span(60, "Activity drop"),  # its label ends at 60 + 16.8 h
        span(70, "Predicted topic spike +4"),  # inside it: a row lower, until 70 + 31 h
        span(75, "Negative-sentiment surge"),  # both rows above are taken: the third
        span(77, "Topic spike"),  # the top row is free again from 76.8 h
        span(200, "Topic spike"),  # after all of them: the top row again
    ]
    assert label_rows(spans, start, start + week) == [0, 1, 2, 0, 0]
    crowded = [span(10 + h / 10, "Volume surge") for h in range(4)]
    # all three rows taken: the fourth label goes where the first one ends first
    assert label_rows(crowded, start, start + week) == [0, 1, 2, 0]
    # a Chinese character is as wide as two Latin ones: "活跃度下降" (5 characters, 10
    # wide) runs 12.9 hours, so a band 10 hours later goes a row lower; in English the
    # 5-letter "Surge" would have ended at 6.5 hours
    chinese = [span(60, "活跃度下降"), span(70, "预测话题突增 +4")]
    assert label_rows(chinese, start, start + week) == [0, 1]
    assert label_rows([span(60, "Surge"), span(70, "Topic")], start, start + week) == [0, 0]
