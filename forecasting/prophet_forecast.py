"""Forecast one series: Prophet when there is enough history, a seasonal baseline when not.

One series in (`ds`, `y`), one `Forecast` out: the predicted value and its band for each
step of the horizon, with how it was made. Counts are modelled on log1p and brought back,
so the forecast and its band are never negative. The same input and seed give the same
forecast.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)
MIN_HISTORY_DAYS = 14
INTERVAL = 0.8  # the band holds 80% of outcomes
UNCERTAINTY_SAMPLES = 100  # enough for the band, 6x faster than Prophet's 1,000


@dataclass(frozen=True)
class Forecast:
    method: str  # "prophet" or "seasonal baseline"
    note: str  # why the method was chosen, shown to the user
    frame: pd.DataFrame  # the horizon: ds (UTC), yhat, yhat_lower, yhat_upper
    fitted: pd.DataFrame  # the same over the history, to find where actuals broke out
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0


def clean_history(
    history: pd.DataFrame, freq: str | None, fill_gaps_with_zero: bool
) -> pd.DataFrame:
    """Sorted `ds`/`y` rows in UTC, NaN dropped and negatives raised to 0; on a regular
    grid of `freq` when given (missing steps filled with 0 for counts, else left out)."""
    frame = history[["ds", "y"]].copy()
    frame["ds"] = pd.to_datetime(frame["ds"], utc=True)
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce").clip(lower=0)
    frame = frame.dropna().sort_values("ds").drop_duplicates("ds", keep="last")
    if freq and not frame.empty and fill_gaps_with_zero:
        grid = pd.date_range(frame["ds"].iloc[0], frame["ds"].iloc[-1], freq=freq)
        frame = frame.set_index("ds").reindex(grid, fill_value=0.0).rename_axis("ds").reset_index()
    return frame.reset_index(drop=True)


def forecast_series(
    history: pd.DataFrame,
    horizon: int,
    freq: str = "h",
    counts: bool = True,
    seed: int = 0,
) -> Forecast:
    """Forecast `horizon` steps of `freq` after the history."""
    if horizon < 1:
        raise ValueError("horizon: at least one step")
    frame = clean_history(history, freq, fill_gaps_with_zero=counts)
    span = frame["ds"].iloc[-1] - frame["ds"].iloc[0] if len(frame) > 1 else timedelta(0)
    if span < timedelta(days=MIN_HISTORY_DAYS):
        method, note = "seasonal baseline", f"not enough history (needs {MIN_HISTORY_DAYS} days)"
    elif frame["y"].nunique() == 1:
        method, note = "seasonal baseline", "a constant series: its value is the forecast"
    else:
        method, note = "prophet", f"Prophet on {span.days} days of history"
    if method == "prophet":
        both, seconds = _prophet(frame, horizon, freq, counts, seed)
    else:
        both, seconds = seasonal_baseline(frame, horizon, freq), (0.0, 0.0)
    ahead = both.iloc[-horizon:].reset_index(drop=True)
    return Forecast(method, note, ahead, both.iloc[:-horizon].reset_index(drop=True), *seconds)


def seasonal_baseline(frame: pd.DataFrame, horizon: int, freq: str) -> pd.DataFrame:
    """The mean of the same hour of the week in the history (or of everything, with too
    little of it), with the 10th and 90th percentiles as the band; over the history's
    times and then the horizon's."""
    if frame.empty:
        raise ValueError("history: no value to forecast from (all missing)")
    ahead = pd.date_range(frame["ds"].iloc[-1], periods=horizon + 1, freq=freq)[1:]
    future = pd.DatetimeIndex(frame["ds"]).append(ahead)
    slot = frame["ds"].dt.day_of_week * 24 + frame["ds"].dt.hour
    grouped = frame.groupby(slot)["y"]
    stats = pd.DataFrame(
        {"mean": grouped.mean(), "low": grouped.quantile(0.1), "high": grouped.quantile(0.9)}
    )
    overall = (frame["y"].mean(), frame["y"].quantile(0.1), frame["y"].quantile(0.9))
    future_slot = future.day_of_week * 24 + future.hour
    rows = [tuple(stats.loc[s]) if s in stats.index else overall for s in future_slot]
    mean, low, high = (np.array(col, dtype=float) for col in zip(*rows, strict=True))
    return pd.DataFrame({"ds": future, "yhat": mean, "yhat_lower": low, "yhat_upper": high})


def _prophet(
    frame: pd.DataFrame, horizon: int, freq: str, counts: bool, seed: int
) -> tuple[pd.DataFrame, tuple[float, float]]:
    """Prophet's forecast over the history and the horizon, and (fit, predict) seconds."""
    import cmdstanpy
    from prophet import Prophet

    cmdstanpy.disable_logging()
    logging.getLogger("prophet").setLevel(logging.WARNING)
    train = pd.DataFrame(
        {
            "ds": frame["ds"].dt.tz_localize(None),
            "y": np.log1p(frame["y"]) if counts else frame["y"],
        }
    )
    model = Prophet(interval_width=INTERVAL, uncertainty_samples=UNCERTAINTY_SAMPLES)
    began = time.perf_counter()
    model.fit(train, seed=seed)
    fitted_at = time.perf_counter()
    future = model.make_future_dataframe(periods=horizon, freq=freq, include_history=True)
    state = np.random.get_state()
    np.random.seed(seed)  # the band is sampled: same seed, same band
    try:
        predicted = model.predict(future)[["ds", "yhat", "yhat_lower", "yhat_upper"]]
    finally:
        np.random.set_state(state)
    if counts:
        for column in ("yhat", "yhat_lower", "yhat_upper"):
            predicted[column] = np.expm1(predicted[column]).clip(lower=0)
    predicted["ds"] = predicted["ds"].dt.tz_localize("UTC")
    seconds = (fitted_at - began, time.perf_counter() - fitted_at)
    return predicted.reset_index(drop=True), seconds
