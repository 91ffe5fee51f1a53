"""The forecast job: refit the series that have new data, on both cores, each with a time
limit; a series that fails is logged and reported, never stopping the rest."""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from data_access import queries
from data_access.forecast_store import (
    SeriesKey,
    hourly_counts,
    replace_forecast,
    series_keys_of,
    stored_state,
)
from data_access.schema import Community
from forecasting.backtest import Backtest, day_ahead_backtest
from forecasting.prophet_forecast import Forecast, clean_history, forecast_series

log = logging.getLogger(__name__)
HISTORY_DAYS = 30
HORIZON_HOURS = 48
TIME_LIMIT_SECONDS = 120
WORKERS = 2

Progress = Callable[[int, int], None]  # (series done, series in all)


@dataclass
class RefreshSummary:
    made: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # no new data since the last forecast
    failed: dict[str, str] = field(default_factory=dict)  # series -> reason


def series_of(engine: Engine, community_id: int) -> list[SeriesKey]:
    """The whole community, each topic and each channel."""
    with engine.connect() as conn:
        return series_keys_of(conn, community_id)


def refresh(
    engine: Engine,
    community: str,
    now: datetime,
    only: set[str] | None = None,
    on_progress: Progress | None = None,
    workers: int = WORKERS,
    last_hour: datetime | None = None,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> RefreshSummary:
    """Refit every series of `community` (or those named in `only`) that has new data,
    from the data up to `last_hour` (default: the newest hour with messages); a series
    not fitted within `time_limit` seconds is reported failed and its process killed."""
    summary = RefreshSummary()
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == community))
        extent = queries.data_extent(conn, community_id) if community_id else None
    if extent is None:
        return summary
    last_hour = last_hour or extent[1]
    # the last HISTORY_DAYS, but never before the community's first message: hours before
    # its data began are unknown, not quiet
    start = max(last_hour - timedelta(days=HISTORY_DAYS) + timedelta(hours=1), extent[0])
    keys = [k for k in series_of(engine, community_id) if only is None or k.name in only]
    with engine.connect() as conn:
        due = _due(conn, community_id, keys, start, last_hour, summary)
    if due:
        log.info("forecasting %d series of %s", len(due), community)
    limits = (workers, time_limit)
    _fit_all(engine, community_id, due, now, start, last_hour, limits, summary, on_progress)
    return summary


def _due(conn, community_id: int, keys, start, last_hour, summary) -> list[Due]:
    """The series with data newer than their forecast, each with its history from `start`
    and the backtest to keep when today's was made already; the others go in
    `summary.skipped`."""
    due: list[Due] = []
    for key in keys:
        state = stored_state(conn, community_id, key)
        if state is not None and state.history_end == last_hour:
            summary.skipped.append(key.name)
            continue
        history = hourly_counts(conn, community_id, key, start, last_hour + timedelta(hours=1))
        fresh = (
            state is not None
            and state.backtest_for is not None
            and state.backtest_for.date() == last_hour.date()
        )
        kept = (state.backtest, state.backtest_for) if fresh else (None, None)
        due.append(Due(key, history, *kept))
    return due


@dataclass(frozen=True)
class Due:
    """A series to refit, with the backtest to keep when it was made today already."""

    key: SeriesKey
    history: pd.DataFrame
    kept_backtest: tuple[int, float, float] | None
    kept_backtest_for: datetime | None


def default_signals() -> None:
    """In each fitting process: SIGTERM and SIGINT back to their defaults. A forked child
    inherits the worker's handlers, which are not meant for it: one that only sets a flag
    would ignore the pool's terminate and keep the job waiting for good."""
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, signal.SIG_DFL)


def _fit_all(
    engine, community_id, due, now, start, last_hour, limits, summary, on_progress
) -> None:
    # a multiprocessing pool: leaving the block terminates its workers (SIGTERM, which
    # default_signals lets kill them), so a fit past its time limit cannot hold the job
    workers, time_limit = limits
    with multiprocessing.Pool(processes=workers, initializer=default_signals) as pool:
        futures = [
            (
                item,
                pool.apply_async(
                    _fit, (item.history, start, last_hour, item.kept_backtest is None)
                ),
            )
            for item in due
        ]
        for done, (item, future) in enumerate(futures, start=1):
            try:
                forecast, backtest = future.get(timeout=time_limit)
            except multiprocessing.TimeoutError:
                summary.failed[item.key.name] = f"took longer than {time_limit:g} s"
            except Exception as error:  # one series failing must not stop the others
                log.exception("forecast of %s failed", item.key.name)
                summary.failed[item.key.name] = f"{type(error).__name__}: {error}"
            else:
                _store(engine, community_id, item, forecast, backtest, now, last_hour)
                summary.made.append(item.key.name)
            if on_progress:
                on_progress(done, len(futures))


def _store(engine, community_id, item: Due, forecast: Forecast, backtest, now, last_hour) -> None:
    if backtest is not None:
        kept, kept_for = (backtest.days, backtest.mae, backtest.inside), last_hour
    else:
        kept, kept_for = item.kept_backtest, item.kept_backtest_for
    points = pd.concat([forecast.fitted, forecast.frame], ignore_index=True)
    with engine.begin() as conn:
        replace_forecast(
            conn,
            community_id,
            item.key,
            now,
            last_hour,
            forecast.method,
            forecast.note,
            points,
            kept,
            kept_for,
        )


def _fit(
    history: pd.DataFrame, start: datetime, last_hour: datetime, with_backtest: bool
) -> tuple[Forecast, Backtest | None]:
    """In a worker process: the series over [start, last_hour], hours without messages 0;
    the day-ahead backtest too when asked (once a day per series: it costs 7 more fits)."""
    ends = pd.DataFrame({"ds": [start, last_hour], "y": [0, 0]})
    history = pd.concat([ends, history], ignore_index=True).drop_duplicates("ds", keep="last")
    forecast = forecast_series(history, HORIZON_HOURS, freq="h", counts=True, seed=0)
    if not with_backtest:
        return forecast, None
    filled = clean_history(history, "h", fill_gaps_with_zero=True)
    return forecast, day_ahead_backtest(filled)
