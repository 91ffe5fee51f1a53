"""The alert state machine on hand-worked minute sequences."""

import math

import pandas as pd
import pytest

from alerts.evaluate import AlertState, episodes_of, run, step
from alerts.rules import Rule

NAN = math.nan


def rule(**overrides) -> Rule:
    fields = {
        "name": "surge",
        "metric": "volume",
        "condition": "threshold",
        "direction": "above",
        "threshold": 10.0,
    }
    return Rule(**{**fields, **overrides})


def scores(values, start=0, guard=None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "minute": range(start, start + len(values)),
            "value": values,
            "score": values,
            "guard": guard if guard is not None else [1000.0] * len(values),
        }
    )


def spans(rule_, values, **kw):
    _, changes = run(rule_, scores(values, **kw))
    return [(e.start, e.end) for e in episodes_of(changes)]


def test_fires_at_once_without_a_pending_period_and_resolves_when_back():
    assert spans(rule(), [1, 11, 12, 5, 1]) == [(1, 3)]


def test_pending_period_is_honoured():
    # over the threshold at minutes 2-4 (3 minutes): fires at 2 + 3 = 5 only if still over
    assert spans(rule(for_minutes=3), [0, 0, 11, 11, 11, 9, 0]) == []
    assert spans(rule(for_minutes=3), [0, 0, 11, 11, 11, 11, 0]) == [(5, 6)]


def test_pending_resets_when_the_condition_breaks():
    # 11 11 9 11 11 11: the dip at minute 2 restarts the clock at minute 3, fires at 3 + 2 = 5
    assert spans(rule(for_minutes=2), [11, 11, 9, 11, 11, 11]) == [(5, None)]


def test_hysteresis_stops_flapping_around_the_threshold():
    oscillating = [9, 11] * 20  # crosses 10 every minute
    assert len(spans(rule(), oscillating)) == 20
    assert spans(rule(recovery_threshold=5.0), oscillating) == [(1, None)]
    assert spans(rule(recovery_threshold=5.0), [*oscillating, 4, 4]) == [(1, 40)]


def test_keep_firing_holds_the_episode_through_short_recoveries():
    values = [11, 11, 0, 0, 11, 0, 0, 0, 0]
    assert spans(rule(), values) == [(0, 2), (4, 5)]
    # keep firing 3 minutes: 2-3 are too short a recovery; the one from 5 ends it at 8
    assert spans(rule(keep_firing_minutes=3), values) == [(0, 8)]


def test_below_direction():
    assert spans(rule(direction="below", threshold=2.0, recovery_threshold=5.0), [8, 1, 3, 6]) == [
        (1, 3)
    ]


def test_minimum_volume_guard():
    values = [50, 50, 50, 50]
    assert spans(rule(min_volume=20), values, guard=[30, 10, 30, 30]) == [(0, 1), (2, None)]


def test_no_data_state_and_a_firing_episode_ends_on_no_data():
    state, changes = run(rule(), scores([NAN, NAN]))
    assert state.state == "nodata" and changes == []
    assert spans(rule(), [11, NAN, NAN]) == [(0, 1)]
    state, _ = run(rule(), scores([11, NAN, NAN]))
    assert state.state == "nodata"


def test_resolved_lasts_one_minute_then_normal():
    state, _ = run(rule(), scores([11, 0]))
    assert state.state == "resolved"
    state, _ = run(rule(), scores([11, 0, 0]))
    assert state.state == "normal"


def test_peak_follows_the_most_extreme_score():
    _, changes = run(rule(), scores([11, 30, 20, 0]))
    (episode,) = episodes_of(changes)
    assert (episode.peak_value, episode.peak_score) == (30, 30)
    assert [c.kind for c in changes] == ["opened", "updated", "resolved"]


def test_a_minute_already_evaluated_is_skipped():
    """A restarted worker re-evaluating minutes it saw opens no second episode."""
    first, changes = run(rule(), scores([0, 11, 11]))
    assert [c.kind for c in changes] == ["opened"]
    again, changes = run(rule(), scores([0, 11, 11, 11]), first)
    assert changes == [] and again.started == 1 and again.last_evaluated == 3
    assert step(rule(), again, 2, 0, 0.0, 100)[1] is None


@pytest.mark.parametrize("split", [1, 5, 17, 33])
def test_minute_by_minute_equals_one_run(split):
    values = [0, 11, 11, 3, 11, 12, 13, 0, 0, 0, 11, NAN, 11, 11, 11, 0] * 3
    r = rule(for_minutes=1, keep_firing_minutes=2, recovery_threshold=4.0)
    whole_state, whole = run(r, scores(values))
    state, pieces = AlertState(), []
    frame = scores(values)
    for begin in range(0, len(values), split):
        state, changes = run(r, frame.iloc[begin : begin + split], state)
        pieces += changes
    assert pieces == whole and state == whole_state
