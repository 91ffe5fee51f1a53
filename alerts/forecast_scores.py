"""Scores against the stored forecasts: the distance from the forecast band, and the
predicted spike (the forecast's peak in the next day against normal)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alerts.baselines import rolling
from alerts.rules import Scope
from forecasting.spikes import MIN_NORMAL_DAYS as SPIKE_MIN_NORMAL_DAYS
from forecasting.spikes import NORMAL_DAYS

if TYPE_CHECKING:
    from alerts.windows import MetricData
SPIKE_LOOKAHEAD_HOURS = 24
# normal: the same hour over the last 7 days, from 3 days of the scope's own history on
# (the Forecasts page's list reads it the same way: forecasting.spikes.normal_by_hour)
SPIKE_NORMAL_DAYS, MIN_NORMAL_DAYS = NORMAL_DAYS, SPIKE_MIN_NORMAL_DAYS


def _forecast_of(scope: Scope, data: MetricData) -> pd.DataFrame | None:
    key = {"all": ("community", 0), "topic": ("topic", scope.value)}.get(scope.kind)
    if scope.kind == "channel":
        key = ("channel", scope.value)
    if key is None:
        return None
    return data.forecasts.get((key[0], int(key[1])))


def band_distance(rule, scope, data, value, minutes):
    """Distance of the window's volume from the forecast, in band half-widths (1: on the
    band's edge), and the threshold's volume above or below the forecast."""
    points = _forecast_of(scope, data)
    if points is None or points.empty or not len(minutes):
        return np.full(len(minutes), np.nan), np.full(len(minutes), np.nan)
    window = rule.window_minutes
    first, end = int(minutes[0]) - window, int(minutes[-1]) + 1
    span_hours = np.arange(first // 60, -(-end // 60))
    indexed = points.set_index("hour").reindex(span_hours)
    per_minute_hour = np.arange(first, end) // 60 - first // 60

    def windowed(column: str) -> np.ndarray:
        hourly = indexed[column].to_numpy(dtype=float)[per_minute_hour] / 60
        return rolling(hourly, window)[: len(minutes)]

    yhat, upper, lower = windowed("yhat"), windowed("yhat_upper"), windowed("yhat_lower")
    above_width = np.maximum(upper - yhat, 1e-9)
    below_width = np.maximum(yhat - lower, 1e-9)
    score = np.where(value >= yhat, (value - yhat) / above_width, (value - yhat) / below_width)
    width = above_width if rule.direction == "above" else below_width
    return score, yhat + rule.threshold * width


def _hourly_actual(hours: pd.DataFrame, first_hour: int, end_hour: int) -> np.ndarray:
    span = np.arange(first_hour, end_hour)
    return hours.set_index("hour")["messages"].reindex(span, fill_value=0).to_numpy(dtype=float)


def _forecast_ahead(scope, data, minutes):
    """(first hour, end hour, forecast yhat from the first hour to 24 hours past the last),
    or None without a forecast."""
    points = _forecast_of(scope, data)
    if points is None or points.empty or not len(minutes):
        return None
    first_hour, end_hour = int(minutes[0]) // 60, int(minutes[-1]) // 60 + 1
    forecast = (
        points.set_index("hour")["yhat"]
        .reindex(np.arange(first_hour, end_hour + SPIKE_LOOKAHEAD_HOURS + 1))
        .to_numpy(dtype=float)
    )
    return first_hour, end_hour, forecast


def _next_day(forecast: np.ndarray, index: int) -> np.ndarray:
    return forecast[index + 1 : index + SPIKE_LOOKAHEAD_HOURS + 1]


def predicted_ratio(scope, data, minutes, hours, min_volume: float = 0.0) -> np.ndarray:
    """For the hour of each minute: the forecast's highest ratio over normal in the next
    24 hours, among the hours forecast at `min_volume` messages or more (0 when none is:
    a night hour forecast at 3 messages against a normal of 1 is no spike, whatever the
    day's busiest hour holds). Normal: the median of the same hour of the day over the
    previous 7 days, counting only days since the scope's first message, and none (no
    score) before MIN_NORMAL_DAYS of them: a normal made of the empty hours before the
    data began, or pulled down by a gap of a few days, would make every forecast a spike.
    The Forecasts page reads a predicted spike the same way (forecasting.spikes)."""
    found = _forecast_ahead(scope, data, minutes)
    if found is None:
        return np.full(len(minutes), np.nan)
    first_hour, end_hour, forecast = found
    history = SPIKE_NORMAL_DAYS * 24
    actual = _hourly_actual(hours, first_hour - history, end_hour)
    with_data = hours.loc[hours["messages"] > 0, "hour"]
    known_from = int(with_data.min()) if len(with_data) else end_hour
    ahead_offsets = np.arange(1, SPIKE_LOOKAHEAD_HOURS + 1)
    ratios = []
    for index in range(end_hour - first_hour):
        # row j of a day is the hour (H + j) % 24, where H is this minute's hour
        days = actual[index : index + history].reshape(SPIKE_NORMAL_DAYS, 24)
        day_starts = first_hour - history + index + 24 * np.arange(SPIKE_NORMAL_DAYS)
        known = days[day_starts >= known_from]
        if len(known) < MIN_NORMAL_DAYS:
            ratios.append(np.nan)
            continue
        usual = np.median(known, axis=0)
        ahead = _next_day(forecast, index)
        normal = np.maximum(usual[ahead_offsets % 24], 1.0)
        if not np.any(~np.isnan(ahead)):
            ratios.append(np.nan)
            continue
        with np.errstate(invalid="ignore"):
            busy = ahead >= min_volume
        ratios.append(float(np.max((ahead / normal)[busy])) if busy.any() else 0.0)
    return np.array(ratios)[minutes // 60 - first_hour]


def predicted_peak(scope, data, minutes) -> np.ndarray:
    """The highest forecast hour in the next 24 hours: the volume a predicted spike has."""
    found = _forecast_ahead(scope, data, minutes)
    if found is None:
        return np.zeros(len(minutes))
    first_hour, end_hour, forecast = found
    peaks = [
        np.nanmax(ahead) if np.any(~np.isnan(ahead)) else 0.0
        for ahead in (_next_day(forecast, i) for i in range(end_hour - first_hour))
    ]
    return np.array(peaks)[minutes // 60 - first_hour]
