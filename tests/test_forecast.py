"""Forecasting one series: Prophet on real data, and the baseline for what it cannot fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.prophet_forecast import MIN_HISTORY_DAYS, clean_history, forecast_series


def test_holdout_error_on_the_peyton_manning_series(shared_data):
    series = pd.read_csv(shared_data / "forecast" / "example_wp_log_peyton_manning.csv")
    train, holdout = series.iloc[:-365], series.iloc[-365:]
    forecast = forecast_series(train, 365, freq="D", counts=False, seed=1)
    assert forecast.method == "prophet"
    predicted = forecast.frame.assign(ds=forecast.frame["ds"].dt.strftime("%Y-%m-%d"))
    joined = holdout.merge(predicted, on="ds")
    assert len(joined) == 363  # two days of the holdout are missing from the file
    mae = (joined["y"] - joined["yhat"]).abs().mean()
    inside = ((joined["y"] >= joined["yhat_lower"]) & (joined["y"] <= joined["yhat_upper"])).mean()
    # computed once (MAE 0.4188, 80.0% inside the 80% band) and held with a tolerance
    assert mae == pytest.approx(0.419, abs=0.02)
    assert inside == pytest.approx(0.80, abs=0.05)


def _hourly(values, start="2026-03-02") -> pd.DataFrame:
    return pd.DataFrame(
        {"ds": pd.date_range(start, periods=len(values), freq="h", tz="UTC"), "y": values}
    )


def test_same_seed_same_forecast_and_never_negative():
    rng = np.random.default_rng(3)
    hours = np.arange(24 * 21)
    counts = rng.poisson(3 + 2 * np.sin(hours / 24 * 2 * np.pi))
    history = _hourly(counts)
    first = forecast_series(history, 48, seed=7)
    second = forecast_series(history, 48, seed=7)
    assert first.method == "prophet"
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert (first.frame[["yhat", "yhat_lower", "yhat_upper"]] >= 0).all().all()
    assert first.frame["ds"].iloc[0] == history["ds"].iloc[-1] + pd.Timedelta(hours=1)


def test_short_series_gets_the_seasonal_baseline_and_says_so():
    # three days: the hour at 10:00 had 1, 2 and 6 messages; everything else 0
    values = [0.0] * 72
    for day, count in enumerate([1, 2, 6]):
        values[day * 24 + 10] = count
    forecast = forecast_series(_hourly(values), 24 * 7)
    assert (forecast.method, forecast.note) == (
        "seasonal baseline",
        f"not enough history (needs {MIN_HISTORY_DAYS} days)",
    )
    frame = forecast.frame.set_index("ds")
    # Monday 2026-03-02 10:00 had 1; the next Monday 10:00 is forecast from that one value
    assert frame.loc[pd.Timestamp("2026-03-09 10:00", tz="UTC"), "yhat"] == 1.0
    # Thursday 10:00 was never seen: the mean of all 72 hours, 9 / 72
    assert frame.loc[pd.Timestamp("2026-03-05 10:00", tz="UTC"), "yhat"] == pytest.approx(0.125)


@pytest.mark.parametrize("value", [0.0, 5.0])
def test_flat_and_all_zero_series(value):
    forecast = forecast_series(_hourly([value] * 24 * 20), 24)
    assert forecast.note == "a constant series: its value is the forecast"
    assert (forecast.frame["yhat"] == value).all()


def test_gaps_nan_and_negative_values_are_cleaned():
    history = pd.DataFrame(
        {
            "ds": [
                "2026-03-02 00:00Z",
                "2026-03-02 01:00Z",
                "2026-03-02 04:00Z",
                "2026-03-02 05:00Z",
            ],
            "y": [3, np.nan, -2, 4],
        }
    )
    cleaned = clean_history(history, "h", fill_gaps_with_zero=True)
    assert cleaned["y"].tolist() == [3.0, 0.0, 0.0, 0.0, 0.0, 4.0]  # NaN dropped, gap filled
    assert cleaned["ds"].iloc[-1] == pd.Timestamp("2026-03-02 05:00", tz="UTC")
    forecast = forecast_series(history, 3)
    assert forecast.method == "seasonal baseline"
    assert not forecast.frame[["yhat", "yhat_lower", "yhat_upper"]].isna().any().any()


def test_nothing_to_forecast_from_is_a_clear_error():
    with pytest.raises(ValueError, match="no value to forecast from"):
        forecast_series(pd.DataFrame({"ds": ["2026-03-02"], "y": [np.nan]}), 3)
    with pytest.raises(ValueError, match="horizon"):
        forecast_series(_hourly([1, 2]), 0)
