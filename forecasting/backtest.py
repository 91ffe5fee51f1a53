"""How good the day-ahead forecasts of a series have been: each of the last days forecast
from the data before it, then compared with what happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

from forecasting.prophet_forecast import forecast_series

DAYS = 7
DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Backtest:
    days: int  # days that could be tested
    mae: float  # mean absolute error, messages per hour
    inside: float  # share of hours inside the forecast's 80% band


def day_ahead_backtest(history: pd.DataFrame, days: int = DAYS, seed: int = 0) -> Backtest | None:
    """Backtest the last `days` days of an hourly series (ds, y; every hour present). None
    when there is not even one day before the first tested day."""
    last = history["ds"].max()
    errors: list[float] = []
    inside: list[bool] = []
    tested = 0
    for back in range(days, 0, -1):
        cut = last + timedelta(hours=1) - back * DAY
        train = history[history["ds"] < cut]
        actual = history[(history["ds"] >= cut) & (history["ds"] < cut + DAY)]
        if len(train) < 24 or actual.empty:
            continue
        ahead = forecast_series(train, len(actual), freq="h", counts=True, seed=seed).frame
        joined = actual.merge(ahead, on="ds")
        errors += (joined["y"] - joined["yhat"]).abs().tolist()
        inside += (
            (joined["y"] >= joined["yhat_lower"]) & (joined["y"] <= joined["yhat_upper"])
        ).tolist()
        tested += 1
    if not errors:
        return None
    return Backtest(tested, sum(errors) / len(errors), sum(inside) / len(inside))
