"""Spikes in forecasts and in observed hours. Pure functions on DataFrames.

* An observed hour is an **anomaly** when its count is above the forecast band fitted
  over the history by more than `BREAKOUT_WIDTHS` times the band's upper half-width (the
  80% band's half-width is 1.28 standard deviations, so three of them above it is about
  5 standard deviations above the forecast), and at least `min_volume` (a topic with
  three messages a day never pages anyone).
* A series has a **predicted spike** when, in the next 24 hours, its forecast rises above
  `factor` times its normal level for that hour of the day (the mean of the same hour over
  the last 7 days), again with at least `min_volume` expected. It is "likely" when even
  the band's lower edge is that high, else "possible".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

DEFAULT_FACTOR = 3.0
MIN_VOLUME = 5.0  # messages in an hour
BREAKOUT_WIDTHS = 3.0
LOOKAHEAD = timedelta(hours=24)
NORMAL_DAYS = 7


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


def normal_by_hour(actual: pd.DataFrame, last_hour: datetime) -> pd.Series:
    """Mean count for each hour of the day (0-23) over the last NORMAL_DAYS days, empty
    hours counting as 0."""
    hours = pd.date_range(end=pd.Timestamp(last_hour), periods=24 * NORMAL_DAYS, freq="h")
    counts = actual.set_index("ds")["y"].reindex(hours, fill_value=0.0)
    return counts.groupby(counts.index.hour).mean().reindex(range(24), fill_value=0.0)


def predicted_spike(
    ahead: pd.DataFrame,
    actual: pd.DataFrame,
    last_hour: datetime,
    factor: float = DEFAULT_FACTOR,
    min_volume: float = MIN_VOLUME,
) -> PredictedSpike | None:
    """The highest predicted rise over normal in the next 24 hours, if it is a spike."""
    normal = normal_by_hour(actual, last_hour)
    window = ahead[ahead["ds"] <= pd.Timestamp(last_hour) + LOOKAHEAD].copy()
    if window.empty:
        return None
    window["normal"] = window["ds"].dt.hour.map(normal).clip(lower=1.0)
    window["ratio"] = window["yhat"] / window["normal"]
    peak = window.loc[window["ratio"].idxmax()]
    if peak["ratio"] < factor or peak["yhat"] < min_volume:
        return None
    likely = peak["yhat_lower"] / peak["normal"] >= factor
    return PredictedSpike(
        peak["ds"].to_pydatetime(),
        float(peak["yhat"]),
        float(peak["normal"]),
        float(peak["ratio"]),
        "likely" if likely else "possible",
    )
