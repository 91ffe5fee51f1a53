"""Sources gone silent, one member's flood, a share against its usual and a widened drop
window, on small hand-built data; values worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from alerts.metrics import score_series
from alerts.rules import DEFAULT_RULES, Rule, Scope
from alerts.silence import silent_sources
from alerts.windows import MetricData

H = 500_000  # an hour, in hours since the epoch
T = H * 60  # its first minute
HOURS = ["hour", "channel_id", "messages", "active_authors", "sentiment_count", "negative_count"]


def history(per_hour: dict[int, int], negative: float = 0.0) -> pd.DataFrame:
    """Seven days of hours before H with `per_hour[channel]` messages in each, all scored,
    a `negative` share of them negative."""
    rows = [
        (hour, channel, n, 5, n, round(n * negative))
        for hour in range(H - 7 * 24, H)
        for channel, n in per_hour.items()
    ]
    return pd.DataFrame(rows, columns=HOURS)


def messages(*runs) -> pd.DataFrame:
    """Runs of (channel, first minute, end minute, member, is_bot, sentiment): one
    message a minute."""
    rows = [
        (minute, channel, member, sentiment, bot)
        for channel, first, end, member, bot, sentiment in runs
        for minute in range(first, end)
    ]
    frame = pd.DataFrame(rows, columns=["minute", "channel_id", "member_id", "sentiment", "is_bot"])
    return frame.astype({"minute": "int64", "sentiment": float, "is_bot": bool})


def data(frame: pd.DataFrame, hours: pd.DataFrame, sources=None) -> MetricData:
    return MetricData(
        first=T - 600,
        end=T + 600,
        messages=frame,
        topic_links=frame.assign(topic_id=1).iloc[0:0],
        channel_hours=hours,
        topic_hours=pd.DataFrame(columns=["hour", "topic_id", *HOURS[2:]]),
        channel_names={c: f"c{c}" for c in hours["channel_id"].unique()},
        channel_sources=sources or {1: 1, 2: 2},
    )


def test_a_source_that_stops_while_the_other_delivers_is_silent_after_20_due():
    # both sources usually bring 60 an hour (one a minute); source 2 stops at T
    rows = messages((1, T - 300, T + 300, 1, False, 0.0), (2, T - 300, T, 2, False, 0.0))
    found = silent_sources(rows, history({1: 60, 2: 60}), {1: 1, 2: 2}, T, T + 100)
    # its last message was at T - 1: at minute T + k, k messages were due since then
    assert not found[2][19] and found[2][20]
    assert not found[1].any()


def test_a_lone_source_waits_for_60_due_and_a_quiet_everywhere_is_no_single_gap():
    alone = messages((1, T - 300, T, 1, False, 0.0))
    found = silent_sources(alone, history({1: 60}), {1: 1}, T, T + 100)
    assert not found[1][59] and found[1][60]
    both = messages((1, T - 300, T, 1, False, 0.0), (2, T - 300, T, 2, False, 0.0))
    found = silent_sources(both, history({1: 60, 2: 60}), {1: 1, 2: 2}, T, T + 100)
    # the other source went quiet too: no evidence that it is one source's gap
    assert not found[2][20:60].any() and found[2][60]


def test_an_activity_drop_leaves_out_what_a_silent_source_would_bring():
    rows = messages((1, T - 300, T + 300, 1, False, 0.0), (2, T - 300, T, 2, False, 0.0))
    metric = data(rows, history({1: 60, 2: 60}))
    drop = next(r for r in DEFAULT_RULES if r.name == "Activity drop")
    frame = score_series(drop, Scope(), metric, T + 59, T + 61).set_index("minute")
    # at T + 60 the rule's 10 minutes hold 20 usual, less source 2's 10: 10 due, under
    # the 15 asked, so the window widens to 20 minutes, which hold source 1's 20 messages
    # against 20 due; a drop's count is first raised by 1.5 Poisson sigmas
    assert frame.loc[T + 60, "value"] == 20
    assert frame.loc[T + 60, "guard"] == pytest.approx(20)
    assert frame.loc[T + 60, "score"] == pytest.approx((20 + 1.5 * math.sqrt(20)) / 20)
    silent = next(r for r in DEFAULT_RULES if r.name == "Source silent")
    flags = score_series(silent, Scope(), metric, T + 19, T + 21).set_index("minute")
    assert list(flags["score"]) == [0.0, 1.0]


def test_one_members_flood_counts_up_to_ten_a_window():
    surge = Rule(
        name="s",
        metric="volume",
        condition="threshold",
        direction="above",
        threshold=1.0,
        window_minutes=60,
    )
    hours = history({1: 1})
    flood = messages((1, T, T + 50, 7, False, 0.0))  # one member, 50 messages
    assert (
        score_series(surge, Scope(), data(flood, hours, {1: 1}), T + 60, T + 61)["value"].iloc[0]
        == 10
    )
    many = pd.concat([messages((1, T + m, T + 50, m, False, 0.0)) for m in range(5)])
    # five members, 50, 49, 48, 47 and 46 messages: each counts up to 10
    assert (
        score_series(surge, Scope(), data(many, hours, {1: 1}), T + 60, T + 61)["value"].iloc[0]
        == 50
    )
    bridge = messages((1, T, T + 50, 7, True, 0.0))  # a bridge relays many people
    assert (
        score_series(surge, Scope(), data(bridge, hours, {1: 1}), T + 60, T + 61)["value"].iloc[0]
        == 50
    )


def test_the_negative_share_is_judged_against_its_own_usual():
    rule = next(r for r in DEFAULT_RULES if r.name == "Negative-sentiment surge")
    # 120 scored messages in the 2-hour window, 48 of them negative: a 40% share
    window = messages((1, T, T + 72, 1, False, 0.5), (1, T + 72, T + 120, 2, False, -0.5))
    usually_calm = data(window, history({1: 60}, negative=0.1), {1: 1})
    frame = score_series(rule, Scope(), usually_calm, T + 120, T + 121)
    assert frame["value"].iloc[0] == pytest.approx(0.4)
    # (48 - 2 sqrt(48)) / 120 = 0.2845 against the usual 10%: 2.85 x, over the 2 x
    assert frame["score"].iloc[0] == pytest.approx((48 - 2 * math.sqrt(48)) / 120 / 0.1)
    always_grumbling = data(window, history({1: 60}, negative=0.4), {1: 1})
    frame = score_series(rule, Scope(), always_grumbling, T + 120, T + 121)
    assert frame["score"].iloc[0] == pytest.approx((48 - 2 * math.sqrt(48)) / 120 / 0.4)
    assert frame["score"].iloc[0] < 1


def test_a_small_communitys_drop_window_widens_until_enough_is_due():
    drop = next(r for r in DEFAULT_RULES if r.name == "Activity drop")
    # 10 messages an hour usually; nothing for the last three hours (a lone source is not
    # silent before 60 are due: six hours)
    rows = messages((1, T - 300, T - 180, 1, False, 0.0))
    frame = score_series(drop, Scope(), data(rows, history({1: 10}), {1: 1}), T, T + 1)
    # 10 minutes hold 1.7 due, under the rule's 15; doubled four times, 160 minutes hold
    # 26.7, and none came
    assert frame["guard"].iloc[0] == pytest.approx(160 / 6)
    assert frame["score"].iloc[0] == 0.0
    assert np.isfinite(frame["score"]).all()


def test_a_day_after_the_last_message_the_data_has_ended_nothing_is_silent_or_dropping():
    # an archive, or a community whose every source stopped: a lone source is silent
    # once 60 were due, for a day; after that its data has simply ended
    rows = messages((1, T - 300, T, 1, False, 0.0))
    day = 24 * 60
    found = silent_sources(rows, history({1: 60}), {1: 1}, T, T + day + 10)
    assert found[1][60] and found[1][day - 1]
    assert not found[1][day + 1 :].any()
    drop = next(r for r in DEFAULT_RULES if r.name == "Activity drop")
    metric = data(rows, history({1: 60}), {1: 1})
    frame = score_series(drop, Scope(), metric, T + day + 5, T + day + 6)
    assert math.isnan(frame["score"].iloc[0])
