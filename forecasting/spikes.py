"""Spikes in forecasts and in observed hours. Pure functions on DataFrames.

* An observed hour is an **anomaly** when its count is above the forecast band fitted
  over the history by more than `BREAKOUT_WIDTHS` times the band's upper half-width (the
  80% band's half-width is 1.28 standard deviations, so three of them above it is about
  5 standard deviations above the forecast), and at least `min_volume` (a topic with
  three messages a day never pages anyone).
* A series has a **predicted spike** when, in the next 24 hours, its forecast rises above
  `factor` times its normal level for that hour of the day (the median of the same hour
  over the last 7 days, as the Predicted topic spike rule reads it), again with at least
  `min_volume` expected. It is "likely" when even
  the band's lower edge is that high, else "possible".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

DEFAULT_FACTOR = 3.0
MIN_VOLUME = 5.0  # messages in an hour
BREAKOUT_WIDTHS = 3.0
LOOKAHEAD = timedelta(hours=24)
NORMAL_DAYS = 7
MIN_NORMAL_DAYS = 3  # days of the series' own history before a spike can be predicted


@dataclass(frozen=True)
class PredictedSpike:
    at: datetime
    expected: float
    normal: float
    ratio: float
    sureness: str  # "likely" or "possible"


def anomalies(
    actual: pd.DataFrame, fitted: pd.DataFrame, min_volume: float = MIN_VOLUME
) -> pd.DataFrame:
    """Hours (ds, y, yhat, yhat_upper, limit) where the actual count broke out above the
    fitted band."""
    joined = actual.merge(fitted[["ds", "yhat", "yhat_upper"]], on="ds")
    joined["limit"] = joined["yhat_upper"] + BREAKOUT_WIDTHS * (
        joined["yhat_upper"] - joined["yhat"]
    ).clip(lower=0)
    return joined[(joined["y"] > joined["limit"]) & (joined["y"] >= min_volume)]


def normal_by_hour(actual: pd.DataFrame, last_hour: datetime) -> pd.Series | None:
    """Median count for each hour of the day (0-23) over the last NORMAL_DAYS days (the
    24-hour days ending at `last_hour`, empty hours counting as 0), counting only the
    days since the series' first count; None before MIN_NORMAL_DAYS of them. The
    Predicted topic spike rule reads normal the same way (alerts.forecast_scores), so
    the Forecasts page and the Alerts page agree: a median, so one day's burst does not
    raise normal for the week, and no normal made of the empty days before the data."""
    hours = pd.date_range(end=pd.Timestamp(last_hour), periods=24 * NORMAL_DAYS, freq="h")
    counts = actual.set_index("ds")["y"].reindex(hours, fill_value=0.0)
    with_data = actual.loc[actual["y"] > 0, "ds"]
    if with_data.empty:
        return None
    day_starts = hours[(np.arange(len(hours)) // 24) * 24]
    known = counts[day_starts >= with_data.min().floor("h")]
    if len(known) < 24 * MIN_NORMAL_DAYS:
        return None
    return known.groupby(known.index.hour).median().reindex(range(24), fill_value=0.0)


def predicted_spike(
    ahead: pd.DataFrame,
    actual: pd.DataFrame,
    last_hour: datetime,
    factor: float = DEFAULT_FACTOR,
    min_volume: float = MIN_VOLUME,
) -> PredictedSpike | None:
    """The highest predicted rise over normal in the next 24 hours among the hours
    forecast at `min_volume` or more, if it is a spike (the Predicted topic spike rule
    reads it the same way, its minimum volume for `min_volume`)."""
    normal = normal_by_hour(actual, last_hour)
    if normal is None:
        return None
    window = ahead[ahead["ds"] <= pd.Timestamp(last_hour) + LOOKAHEAD]
    window = window[window["yhat"] >= min_volume].copy()  # a quiet hour is no spike
    if window.empty:
        return None
    window["normal"] = window["ds"].dt.hour.map(normal).clip(lower=1.0)
    window["ratio"] = window["yhat"] / window["normal"]
    peak = window.loc[window["ratio"].idxmax()]
    if peak["ratio"] < factor:
        return None
    likely = peak["yhat_lower"] / peak["normal"] >= factor
    return PredictedSpike(
        peak["ds"].to_pydatetime(),
        float(peak["yhat"]),
        float(peak["normal"]),
        float(peak["ratio"]),
        "likely" if likely else "possible",
    )


# Spike detection on any regular series (`ecg detect`, and the spike marks on the pages).
DETECT_WINDOW = timedelta(days=22)
DETECT_REFRACTORY = timedelta(days=1)
DETECT_Z = 5.0
DETECT_SMOOTH = timedelta(minutes=30)  # a point is judged by the mean of this span to it
MIN_LEARNING_POINTS = 24


@dataclass(frozen=True)
class Detection:
    scores: pd.Series  # in [0, 1]: how unlikely the point is under its recent distribution
    spikes: pd.Series  # 1 where a spike starts, else 0
    learning_points: int  # the first points, too few to judge: score 0


def detect_spikes(
    times: pd.Series,
    values: pd.Series,
    z_open: float = DETECT_Z,
    window: timedelta = DETECT_WINDOW,
    refractory: timedelta = DETECT_REFRACTORY,
    smooth: timedelta = DETECT_SMOOTH,
) -> Detection:
    """Score each point against the mean and spread of the points before it, within
    `window` (a windowed Gaussian); a spike starts where the score's z reaches `z_open`,
    and the next can start only `refractory` later, so one incident is one spike. A point
    is first averaged with the points of the `smooth` span before it (one point when the
    series is coarser): one noisy reading is not a spike, a rise that holds is.

    Causal: a point's score uses only the points up to it. Missing values score 0 and are
    left out of the statistics.
    """
    step = _step(times)
    size = max(MIN_LEARNING_POINTS, int(window / step))
    quiet = max(1, int(refractory / step))
    learn = min(size, max(MIN_LEARNING_POINTS, int(timedelta(days=1) / step)))
    raw = pd.to_numeric(values, errors="coerce").astype(float).reset_index(drop=True)
    span = max(1, round(smooth / step))
    x = raw.rolling(span, min_periods=1).mean().where(raw.notna())
    past = x.shift(1).rolling(size, min_periods=learn)
    mean, spread = past.mean(), past.std()
    floor = 1e-9 * mean.abs().clip(lower=1.0)
    z = ((x - mean) / spread.where(spread > floor, floor)).fillna(0.0)
    scores = 0.5 * (1 + z.map(lambda v: math.erf(v / math.sqrt(2))))
    scores = scores.where(mean.notna() & x.notna(), 0.0)
    spikes, last = [], -quiet - 1
    for position, value in enumerate(z.where(scores > 0, 0.0)):
        start = value >= z_open and position - last > quiet
        spikes.append(int(start))
        last = position if start else last
    return Detection(scores, pd.Series(spikes), min(learn, len(x)))


def spike_starts(actual: pd.DataFrame, start: datetime, last_hour: datetime) -> pd.DataFrame:
    """The hours (ds, y) where the detector starts a spike in an hourly series, hours
    without messages counting as 0."""
    hours = pd.date_range(pd.Timestamp(start), pd.Timestamp(last_hour), freq="h")
    filled = actual.set_index("ds")["y"].reindex(hours, fill_value=0.0)
    detection = detect_spikes(pd.Series(hours), filled.reset_index(drop=True))
    flagged = detection.spikes.to_numpy() == 1
    return pd.DataFrame({"ds": hours[flagged], "y": filled.to_numpy()[flagged]})


def _step(times: pd.Series) -> timedelta:
    """The series' interval: the median gap between consecutive times."""
    stamps = pd.to_datetime(times, utc=True)
    if len(stamps) < 2:
        return timedelta(hours=1)
    gap = stamps.diff().dropna().median()
    if pd.isna(gap) or gap <= pd.Timedelta(0):
        raise ValueError("timestamp: the times must increase")
    return gap.to_pytimedelta()
