"""Forecast refresh speed: 50 topic series of 90 days hourly, fitted as the worker does
(the last 30 days, 48 hours ahead) on two cores; fit and predict time per series. With
--database, the worker's own refresh of every series of a community (the whole community,
each topic, each channel), read from and stored in that database, then a second refresh
with nothing new.

    python bench/forecast.py [--series 50] [--workers 2]
    python bench/forecast.py --database sqlite:////tmp/ecg-10m.db   (bench/make_dataset.py)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from data_access.db import make_engine  # noqa: E402
from data_access.setup import init_database  # noqa: E402
from forecasting.refresh import HISTORY_DAYS, _fit, refresh  # noqa: E402

END = datetime(2026, 11, 2, tzinfo=UTC)


def topic_series(seed: int, days: int = 90) -> pd.DataFrame:
    """Hourly counts with a daily and weekly rhythm, a level of its own, Poisson noise."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range(END - timedelta(days=days), END, freq="h", inclusive="left")
    level = rng.uniform(0.5, 30)
    daily = 0.25 + 0.75 * (1 + np.cos((hours.hour - 15) / 24 * 2 * np.pi)) / 2
    weekly = np.where(hours.day_of_week >= 5, 0.6, 1.0)
    return pd.DataFrame({"ds": hours, "y": rng.poisson(level * daily * weekly)})


def refresh_database(url: str, community: str, workers: int) -> None:
    engine = make_engine(url)
    init_database(engine)
    with engine.begin() as conn:  # every series due, as after a day of new data
        conn.execute(text("DELETE FROM forecast_points"))
        conn.execute(text("DELETE FROM forecasts"))
    last_hour = END - timedelta(hours=1)
    for label in ("every series refitted", "again, nothing new"):
        began = time.perf_counter()
        summary = refresh(
            engine, community, datetime.now(UTC), workers=workers, last_hour=last_hour
        )
        print(
            f"{engine.dialect.name}, {label}: {len(summary.made)} made, "
            f"{len(summary.skipped)} skipped, {len(summary.failed)} failed "
            f"in {time.perf_counter() - began:.1f} s on {workers} cores"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="a database URL: refresh its community's series")
    parser.add_argument("--community", default="scale")
    args = parser.parse_args()
    if args.database:
        refresh_database(args.database, args.community, args.workers)
        return
    last_hour = END - timedelta(hours=1)
    start = END - timedelta(days=HISTORY_DAYS)
    histories = [topic_series(n) for n in range(args.series)]
    windows = [h[h["ds"] >= start] for h in histories]
    runs = (
        ("refresh (the last 30 days of each)", windows, start, False),
        ("refresh with the daily backtest", windows, start, True),
        ("for comparison, fitting all 90 days", histories, END - timedelta(days=90), False),
    )
    for label, series, first, with_backtest in runs:
        began = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(
                pool.map(
                    _fit,
                    series,
                    [first] * len(series),
                    [last_hour] * len(series),
                    [with_backtest] * len(series),
                )
            )
        seconds = time.perf_counter() - began
        fits = [forecast.fit_seconds for forecast, _ in results]
        predicts = [forecast.predict_seconds for forecast, _ in results]
        target = " (target < 15 s)" if series is windows and not with_backtest else ""
        print(f"{label}: {args.series} series in {seconds:.1f} s on {args.workers} cores{target}")
        print(
            f"  per series: fit median {statistics.median(fits):.2f} s "
            f"(max {max(fits):.2f}), predict median {statistics.median(predicts):.2f} s "
            f"(max {max(predicts):.2f})"
        )


if __name__ == "__main__":
    main()
