"""The live band and state, against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from analysis.activity import live_state, normal_band


def test_band_from_eight_weeks():
    # hourly counts 600 and 1200 alternating: mean 900 (15/min), population sd 300 (5/min)
    band = normal_band([600, 1200] * 4)
    assert band.expected_per_minute == pytest.approx(15)
    sigma = math.sqrt(15 + 5**2)  # Poisson noise plus spread across weeks: 6.325
    assert band.low_per_minute == pytest.approx(15 - 2 * sigma)  # 2.35
    assert band.high_per_minute == pytest.approx(15 + 2 * sigma)  # 27.65
    assert band.hourly_spread == pytest.approx(300)


def test_band_low_edge_stops_at_zero():
    assert normal_band([60, 120] * 4).low_per_minute == 0.0  # 1.5 - 2 x 1.32 < 0


def test_no_band_without_two_weeks_of_history():
    assert normal_band([0] * 7 + [40]) is None
    assert normal_band([0] * 8) is None


def test_level_boundaries_by_hand():
    band = normal_band([60] * 8)  # 1/minute, no spread: sigma over 15 min = sqrt(15) = 3.873
    assert live_state(24, 15, band).level == "normal"  # z = 2.32
    assert live_state(25, 15, band).level == "elevated"  # z = 2.58
    assert live_state(31, 15, band).level == "critical"  # z = 4.13
    assert live_state(5, 15, band).level == "quiet"  # z = -2.58
    state = live_state(31, 15, band)
    assert state.reason == (
        "31 messages in the last 15 minutes, 2.1× the usual 15 for this hour of the week."
    )


def test_unknown_without_history():
    state = live_state(7, 15, None)
    assert state.level == "unknown"
    assert state.reason.startswith("7 messages in the last 15 minutes")
