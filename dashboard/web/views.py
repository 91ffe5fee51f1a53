"""What a page shows, worked out from the cached reads: the live minute trace against its
band, a series' forecast with its breakouts and spike starts, the topics forecast to spike.
Pure apart from the reads; the analysis they use is named here so that pages need nothing
below dashboard.web.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from analysis.activity import MIN_BASELINE_WEEKS, Band, LiveState, live_state, normal_band
from analysis.series import (
    BUCKET_LENGTH,
    bucket_edges,
    counting_only,
    kinds_over_time,
    label_distribution,
    minute_counts,
    rising_topics,
    sentiment_series,
    topic_heat,
)
from dashboard.i18n import _
from dashboard.web import resources
from data_access.forecast_store import COMMUNITY, TOPIC, SeriesKey, StoredForecast
from forecasting.refresh import HISTORY_DAYS
from forecasting.spikes import DEFAULT_FACTOR, MIN_VOLUME, anomalies, predicted_spike, spike_starts

__all__ = [  # the series helpers pages use as they are
    "BUCKET_LENGTH",
    "DEFAULT_FACTOR",
    "HISTORY_DAYS",
    "MIN_VOLUME",
    "bucket_edges",
    "counting_only",
    "kinds_over_time",
    "label_distribution",
    "rising_topics",
    "sentiment_series",
    "topic_heat",
]


def series_label(key: SeriesKey) -> str:
    """A forecast series as the pages name it: the community's in the viewer's language,
    a topic or a channel by its own name."""
    return _("whole community") if key.kind == COMMUNITY else key.name


# ---- Live


@dataclass(frozen=True)
class LiveView:
    minutes: pd.DataFrame  # minute, messages: whole minutes of the trace
    band: Band | None  # normal for this hour of the week; None without enough history
    state: LiveState
    recent: int  # messages in the last `active_minutes` (the current minute counts)
    total: int  # messages in the whole trace
    active_members: int


def live_view(
    community_id: int,
    channel_ids,
    moment: datetime,
    trace_minutes: int,
    active_minutes: int,
    baseline_weeks: int,
) -> LiveView:
    this_minute = moment.replace(second=0, microsecond=0)
    shown_from = this_minute - timedelta(minutes=trace_minutes)
    per_minute = resources.messages_per_minute(community_id, shown_from, moment, channel_ids)
    hour = moment.replace(minute=0, second=0, microsecond=0)
    band = normal_band(
        resources.same_hour_in_past_weeks(community_id, hour, baseline_weeks, channel_ids)
    )
    since = this_minute - timedelta(minutes=active_minutes)
    recent = int(per_minute[per_minute.index >= since].sum())
    return LiveView(
        minutes=minute_counts(per_minute, this_minute, trace_minutes),
        band=band,
        state=live_state(recent, active_minutes, band),
        recent=recent,
        total=int(per_minute.sum()),
        active_members=resources.members_active_since(community_id, since, channel_ids),
    )


# ---- Forecasts


@dataclass(frozen=True)
class ForecastView:
    stored: StoredForecast
    actual: pd.DataFrame  # ds, y: messages per hour
    broke_out: pd.DataFrame  # the hours outside the usual range
    starts: pd.DataFrame  # where the spike detector started a spike


def live_reason(state: LiveState) -> str:
    """Why the Live page reads as it does, in the viewer's language."""
    said = _("{observed} messages in the last {minutes} minutes").format(
        observed=state.observed, minutes=state.minutes
    )
    if state.expected is None:
        return _("{said}; at least {weeks} weeks of history are needed to judge.").format(
            said=said, weeks=MIN_BASELINE_WEEKS
        )
    usual = round(state.expected)
    how = {
        "critical": _("{ratio:.1f}× the usual {usual} for this hour of the week"),
        "elevated": _("{ratio:.1f}× the usual {usual} for this hour of the week"),
        "quiet": _("well below the usual {usual} for this hour of the week"),
        "normal": _("close to the usual {usual} for this hour of the week"),
    }[state.level].format(ratio=state.ratio, usual=usual)
    return _("{said}, {how}.").format(said=said, how=how)


def history_window(last_hour: datetime) -> tuple[datetime, datetime]:
    """The HISTORY_DAYS of hours up to and including `last_hour`."""
    return last_hour - timedelta(days=HISTORY_DAYS) + timedelta(hours=1), last_hour + timedelta(
        hours=1
    )


def forecast_view(
    community_id: int, key: SeriesKey, start: datetime, end: datetime
) -> ForecastView | None:
    """A series' stored forecast against what happened in [start, end); None before the
    worker has made one."""
    stored = resources.forecast(community_id, key)
    if stored is None:
        return None
    actual = resources.series_counts(community_id, key, start, end)
    fitted = stored.fitted
    return ForecastView(
        stored=stored,
        actual=actual,
        broke_out=anomalies(actual, fitted),
        starts=spike_starts(actual, fitted["ds"].iloc[0], stored.history_end),
    )


def predicted_spikes(
    community_id: int, factor: float, start: datetime, end: datetime
) -> pd.DataFrame:
    """The topics forecast to rise above `factor` × their normal level in the next 24 hours:
    topic, at, expected, normal, ratio, sureness; the steepest first."""
    rows = []
    for key in resources.series_keys(community_id):
        stored = None if key.kind != TOPIC else resources.forecast(community_id, key)
        if stored is None:
            continue
        actual = resources.series_counts(community_id, key, start, end)
        spike = predicted_spike(stored.ahead, actual, stored.history_end, factor)
        if spike is not None:
            rows.append(
                {
                    "topic": key.name,
                    "at": spike.at,
                    "expected": spike.expected,
                    "normal": spike.normal,
                    "ratio": spike.ratio,
                    "sureness": spike.sureness,
                }
            )
    columns = ["topic", "at", "expected", "normal", "ratio", "sureness"]
    return pd.DataFrame(rows, columns=columns).sort_values("ratio", ascending=False)
