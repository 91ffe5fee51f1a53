"""The default rules on the planted-incident benchmark (alerts/planted) with a fixed
seed, on real Ubuntu IRC chat re-timed onto five weeks: what must fire does, within a
stated delay, and nothing else fires. bench/incidents.py gives the figures over many
seeds and three backgrounds; this pins one timeline."""

import numpy as np
import pytest

from alerts.planted.incidents import CRISES, HARMLESS, scenario
from alerts.planted.judge import judge, metric_data
from alerts.planted.logs import read_log
from alerts.planted.traffic import read
from alerts.rules import DEFAULT_RULES, SHARE_METRICS
from tests.conftest import SHARED_DATA, unavailable

SEED = 10
DELAY_AT_MOST = {  # minutes from the incident's start to its rule firing
    "volume_surge": 60,
    "activity_drop": 120,
    "source_silent": 60,
    "negative_shift": 360,
}


@pytest.fixture(scope="module")
def ubuntu():
    if not SHARED_DATA.is_dir():
        unavailable(f"the shared data folder {SHARED_DATA} is absent")
    return read(read_log(SHARED_DATA / "chat" / "ubuntu_irc_sample.csv"))


@pytest.fixture(scope="module")
def verdict(ubuntu):
    traffic, incidents = scenario(ubuntu, 1400, SEED)
    return judge(traffic, incidents, list(DEFAULT_RULES))


def test_the_scenario_is_drawn_from_its_seed(ubuntu):
    first = scenario(ubuntu, 1400, SEED)
    again = scenario(ubuntu, 1400, SEED)
    other = scenario(ubuntu, 1400, SEED + 1)
    assert first[1] == again[1]
    assert first[0].messages.equals(again[0].messages)
    assert first[1] != other[1]
    kinds = [i.kind for i in first[1]]
    assert sorted(set(kinds)) == sorted([*CRISES, *HARMLESS])
    assert kinds.count("weekly_peak") == 3  # once in each judged week


def test_each_crisis_is_caught_by_its_own_rule_within_its_delay(verdict):
    delays = {i.kind: delay for i, delay, _ in verdict.incidents if i.must_fire}
    for kind, most in DELAY_AT_MOST.items():
        assert delays[kind] is not None, kind
        assert 0 <= delays[kind] <= most, (kind, delays[kind])
    # the share surge ('sudo' x2.1 of its 1.6% share for 24 h, +32) is not caught: real topic
    # shares swing that much from day to day (bench/incidents.py: recall 0.3), so the
    # rule allows for the noise its history shows; see test_alert_metrics for a doubling
    # share that stands out from its history


def test_nothing_else_fires_over_three_weeks(verdict):
    assert verdict.weeks == 3
    assert verdict.false_alarms == []
    for incident, _, fired in verdict.incidents:
        assert fired == [], (incident.kind, fired)  # weekly peaks, drift, holiday, flood


def test_an_ingestion_gap_is_a_silent_source_not_an_activity_drop(ubuntu):
    traffic, incidents = scenario(ubuntu, 1400, SEED)
    gap = next(i for i in incidents if i.kind == "source_silent")
    others = [i for i in incidents if i.kind != "source_silent"]
    verdict = judge(traffic, [gap], list(DEFAULT_RULES))
    assert verdict.incidents[0][1] is not None  # Source silent caught it
    during = [
        a for a in verdict.false_alarms if gap.start <= a.start <= gap.end + 60
    ]  # only the gap counts as a crisis here: anything over it is false
    assert during == []
    assert others  # the other incidents were left unexplained on purpose


def test_the_planted_traffic_keeps_the_logs_rhythm(ubuntu):
    traffic, _ = scenario(ubuntu, 1400, SEED)
    data = metric_data(traffic)
    per_day = np.bincount((data.messages["minute"] - data.first) // 1440)
    assert 1000 < np.median(per_day) < 2000  # 1,400 a day, plus the drift
    hour_of_day = np.bincount(data.messages["minute"] // 60 % 24, minlength=24)
    logged = np.bincount(ubuntu.log.hour_of_week % 24, minlength=24)
    # the busiest and quietest hours of the log stay the busiest and quietest
    assert np.corrcoef(hour_of_day, logged)[0, 1] > 0.8


@pytest.mark.parametrize(
    "name", ["Topic share surge", "Negative-sentiment surge", "Activity drop", "Volume surge"]
)
def test_a_rules_chart_line_is_crossed_exactly_when_its_score_crosses_the_threshold(ubuntu, name):
    """The Alerts and Thresholds charts draw a rule's metric and its `limit`. For the
    share and drop rules the score allows for noise (a share less its sigmas, a drop's
    count raised by 1.5 sigmas), so the limit is where the metric itself must go; the line
    drawn at usual x threshold once showed a topic's share over it for hours, no alert."""
    from alerts.backtest import backtest
    from alerts.planted.judge import EPOCH_MINUTE

    traffic, _ = scenario(ubuntu, 1400, SEED)
    data = metric_data(traffic)
    (rule,) = [r for r in DEFAULT_RULES if r.name == name]
    start, end = EPOCH_MINUTE + 14 * 1440, EPOCH_MINUTE + traffic.hours * 60
    compared, sides = 0, set()
    for scope in backtest(rule, data, start, end):
        frame = scope.scores.dropna(subset=["score", "limit", "value"])
        frame = frame[np.abs(frame["score"] - rule.threshold) > 1e-6 * rule.threshold]
        above = frame["score"] > rule.threshold
        if rule.direction == "above":
            assert ((frame["value"] > frame["limit"]) == above).all(), scope.key
        else:
            assert ((frame["value"] < frame["limit"]) == ~above).all(), scope.key
        compared += len(frame)
        sides |= set(above)
        if rule.metric in SHARE_METRICS:
            assert (frame["limit"] <= 1).all()  # a share's line stops at 100%
    assert compared >= end - start and sides == {True, False}  # both sides, in every week
