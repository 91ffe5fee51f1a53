"""The forecast job on a simulated community, spike scoring, and the Forecasts page."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from dashboard.communities import DEMO_SPEC, simulate
from data_access.db import make_engine
from data_access.forecast_store import hourly_counts, stored_forecast
from forecasting import refresh as refresh_module
from forecasting.refresh import refresh, series_of
from forecasting.spikes import anomalies, normal_by_hour, predicted_spike, spike_starts
from ingest.simulate import Incident

END = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
SPIKE = Incident("topic_spike", datetime(2026, 2, 26, 14, tzinfo=UTC), 6, 8.0, "billing")


@pytest.fixture(scope="module")
def forecast_url(module_database_url) -> str:
    """30 days of the demo community with a billing spike on 2026-02-26 from 14:00 to 20:00,
    forecast once."""
    url = module_database_url
    engine = make_engine(url)
    simulate(engine, "demo", END - timedelta(days=30), END, replace(DEMO_SPEC, incidents=(SPIKE,)))
    summary = refresh(engine, "demo", END)
    assert summary.failed == {}
    engine.dispose()
    return url


def _series(url: str, name: str):
    engine = make_engine(url)
    key = next(k for k in series_of(engine, 1) if k.name == name)
    with engine.connect() as conn:
        stored = stored_forecast(conn, 1, key)
        actual = hourly_counts(conn, 1, key, END - timedelta(days=30), END)
    engine.dispose()
    actual["ds"] = pd.to_datetime(actual["ds"], utc=True)
    return stored.history_end, stored.method, actual, stored.points


def test_every_series_is_forecast_and_refit_only_with_new_data(forecast_url):
    engine = make_engine(forecast_url)
    names = [k.name for k in series_of(engine, 1)]
    assert len(names) == 1 + 9 + 8  # the community, 9 topics, 8 channels
    again = refresh(engine, "demo", END + timedelta(minutes=5))
    assert (again.made, sorted(again.skipped)) == ([], sorted(names))
    last_hour, method, actual, points = _series(forecast_url, "whole community")
    assert last_hour == END - timedelta(hours=1)
    assert method == "prophet"
    ahead = points[points["ds"] > pd.Timestamp(last_hour)]
    assert len(ahead) == 48 and ahead["ds"].iloc[0] == pd.Timestamp(END)
    assert (points[["yhat", "yhat_lower", "yhat_upper"]] >= 0).all().all()


def test_the_detector_flags_the_spike_in_its_first_hour_and_no_other_hour(forecast_url):
    last_hour, _, actual, points = _series(forecast_url, "billing")
    starts = spike_starts(actual, points["ds"].iloc[0], last_hour)
    week = starts[
        (starts["ds"] >= pd.Timestamp("2026-02-23", tz="UTC"))
        & (starts["ds"] < pd.Timestamp("2026-03-02", tz="UTC"))
    ]
    assert week["ds"].tolist() == [pd.Timestamp(SPIKE.start)]


def test_the_scripted_spike_breaks_out_of_the_band_and_nothing_else(forecast_url):
    last_hour, _, actual, points = _series(forecast_url, "billing")
    flagged = anomalies(actual, points[points["ds"] <= pd.Timestamp(last_hour)])
    spike_hours = pd.date_range(SPIKE.start, periods=6, freq="h")
    assert flagged["ds"].iloc[0] == pd.Timestamp(SPIKE.start)  # within its first hour
    week = (flagged["ds"] >= pd.Timestamp("2026-02-23", tz="UTC")) & (
        flagged["ds"] < pd.Timestamp("2026-03-02", tz="UTC")
    )
    assert set(flagged.loc[week, "ds"]) <= set(spike_hours)  # no other hour that week
    for name in ("bugs", "whole community"):
        last_hour, _, actual, points = _series(forecast_url, name)
        assert anomalies(actual, points[points["ds"] <= pd.Timestamp(last_hour)]).empty


_REAL_FIT = refresh_module._fit


def _fit_failing_for_the_busiest(history, start, last_hour, with_backtest):
    """Module-level, so the worker processes can run it in place of the real fit."""
    if history["y"].sum() > 10_000:  # only the whole community is this busy
        raise RuntimeError("the model would not converge")
    return _REAL_FIT(history, start, last_hour, with_backtest)


def test_a_failing_series_does_not_stop_the_others(forecast_url, monkeypatch):
    engine = make_engine(forecast_url)
    monkeypatch.setattr(refresh_module, "_fit", _fit_failing_for_the_busiest)
    monkeypatch.setattr(refresh_module, "stored_state", lambda *args: None)  # refit everything
    summary = refresh(engine, "demo", END + timedelta(minutes=1))
    assert summary.failed == {"whole community": "RuntimeError: the model would not converge"}
    assert len(summary.made) == 17


def _frame(start: str, values, **columns) -> pd.DataFrame:
    ds = pd.date_range(start, periods=len(values), freq="h", tz="UTC")
    return pd.DataFrame({"ds": ds, "y": values, **columns})


def test_predicted_spike_against_the_normal_hour_by_hand():
    last_hour = datetime(2026, 3, 8, 23, tzinfo=UTC)
    # a week of 2 messages every hour, except 4 at 10:00
    week = [4.0 if h % 24 == 10 else 2.0 for h in range(24 * 7)]
    actual = _frame("2026-03-02 00:00", week)
    assert normal_by_hour(actual, last_hour)[10] == 4.0
    ahead = _frame("2026-03-09 00:00", [0.0] * 48).drop(columns="y")
    ahead["yhat"] = 2.0
    ahead.loc[10, "yhat"] = 20.0  # 10:00 tomorrow: 5x its normal 4
    ahead.loc[12, "yhat"] = 8.0  # 12:00: 4x its normal 2
    ahead.loc[30, "yhat"] = 99.0  # beyond the next 24 hours: not counted
    ahead["yhat_lower"] = ahead["yhat"] / 2
    ahead["yhat_upper"] = ahead["yhat"] * 2
    spike = predicted_spike(ahead, actual, last_hour, factor=3.0)
    assert (spike.at.hour, spike.expected, spike.normal, spike.ratio) == (10, 20.0, 4.0, 5.0)
    assert spike.sureness == "possible"  # the lower edge, 10, is only 2.5x normal
    assert predicted_spike(ahead, actual, last_hour, factor=6.0) is None
    assert predicted_spike(ahead, actual, last_hour, factor=3.0, min_volume=25) is None


def test_the_normal_hour_is_the_median_of_the_days_with_data_as_the_alert_rule_reads_it():
    """One day's burst at 10:00 (40 messages against 4 on the other six days) raised the
    mean normal to 9.1, so a forecast of 20 read 2.2x on the Forecasts page while the
    Predicted topic spike rule (the median: 4) fired at 5x. And a series 2 days old has
    no normal yet (the rule waits for 3 days of it)."""
    from alerts.forecast_scores import MIN_NORMAL_DAYS

    last_hour = datetime(2026, 3, 8, 23, tzinfo=UTC)
    week = [4.0 if h % 24 == 10 else 2.0 for h in range(24 * 7)]
    week[24 * 3 + 10] = 40.0  # Thursday 10:00
    actual = _frame("2026-03-02 00:00", week)
    assert normal_by_hour(actual, last_hour)[10] == 4.0
    ahead = _frame("2026-03-09 00:00", [0.0] * 48).drop(columns="y")
    ahead["yhat"], ahead["yhat_lower"], ahead["yhat_upper"] = 2.0, 1.0, 4.0
    ahead.loc[10, "yhat"] = 20.0
    assert predicted_spike(ahead, actual, last_hour, factor=3.0).ratio == 5.0
    young = _frame("2026-03-07 00:00", [0.0] * 5 + [2.0] * 43)  # its first count: day 1
    assert MIN_NORMAL_DAYS == 3 and normal_by_hour(young, last_hour) is None
    assert predicted_spike(ahead, young, last_hour, factor=3.0) is None
    three_days = _frame("2026-03-06 00:00", [2.0] * 72)
    assert normal_by_hour(three_days, last_hour)[10] == 2.0


def test_forecast_command(forecast_url, monkeypatch, capsys):
    from dashboard.cli.main import main

    monkeypatch.setenv("ECG_DATABASE_URL", forecast_url)
    assert main(["forecast", "--topic", "billing"]) == 0
    assert "demo: 0 forecast(s) made, 1 unchanged (no new data)" in capsys.readouterr().out


def test_forecasts_page_shows_the_spike(monkeypatch, forecast_url):
    from access.permissions import Role
    from tests.test_pages import charts, open_page, trace, values

    app = open_page(monkeypatch, forecast_url, "../pages/forecasts.py", role=Role.MANAGER)
    series = next(box for box in app.selectbox if box.label == "Series")
    series.set_value("billing").run()
    assert not app.exception
    (chart,) = charts(app)
    marks = trace(chart, "broke out of the range")
    assert len(values(marks["y"])) == 6
    assert len(values(trace(chart, "forecast")["y"])) == 48
    assert any(
        "broke out of the usual range (at least 5 messages): 6." in c.value for c in app.caption
    )
    # the 48 h ahead get a fifth of the width, not a sliver of 30 days; the two ranges differ
    first, last = (pd.Timestamp(x) for x in chart["layout"]["xaxis"]["range"])
    assert last - first == pd.Timedelta(days=9)
    fills = {t["name"]: t.get("fillcolor") for t in chart["data"] if t.get("fill")}
    assert fills["usual range"] != fills["forecast range"]
    # every hour of the 30 days is drawn, the quiet ones at 0 (they were left out, so the
    # line of a quiet topic went from one message to the next and never touched 0)
    drawn = values(trace(chart, "messages")["y"])
    assert len(drawn) == 30 * 24
    assert 0 in drawn and sum(drawn) > 0


def test_day_ahead_backtest_by_hand():
    from forecasting.backtest import Backtest, day_ahead_backtest

    hours = pd.date_range("2026-03-02", periods=24 * 4, freq="h", tz="UTC")
    flat = pd.DataFrame({"ds": hours, "y": 10.0})
    assert day_ahead_backtest(flat, days=2) == Backtest(2, 0.0, 1.0)  # exact, all inside
    jump = flat.assign(y=[10.0] * 72 + [20.0] * 24)
    result = day_ahead_backtest(jump, days=1)  # the last day doubles: off by 10 every hour
    assert (result.days, result.mae, result.inside) == (1, 10.0, 0.0)


def test_the_backtest_is_stored_and_kept_for_the_day(forecast_url):
    engine = make_engine(forecast_url)
    key = next(k for k in series_of(engine, 1) if k.name == "whole community")
    with engine.connect() as conn:
        accuracy = stored_forecast(conn, 1, key).accuracy
    assert accuracy.days == 7 and accuracy.mean_absolute_error > 0
    assert 0.5 <= accuracy.share_inside <= 1.0


def _fit_that_hangs(history, start, last_hour, with_backtest):
    import time

    time.sleep(60)


def test_a_series_past_its_time_limit_is_reported_and_the_job_goes_on(forecast_url, monkeypatch):
    import multiprocessing

    engine = make_engine(forecast_url)
    monkeypatch.setattr(refresh_module, "_fit", _fit_that_hangs)
    monkeypatch.setattr(refresh_module, "stored_state", lambda *args: None)
    summary = refresh(engine, "demo", END, only={"billing", "bugs"}, time_limit=0.5)
    # the hung fits' processes were terminated, not left sleeping out their minute
    assert multiprocessing.active_children() == []
    assert summary.failed == {"billing": "took longer than 0.5 s", "bugs": "took longer than 0.5 s"}


def test_a_young_community_is_fitted_from_its_first_message(engine):
    """Hours before the data began are unknown, not quiet: no breakout at the start."""
    first = END - timedelta(days=16)
    simulate(engine, "demo", first, END, DEMO_SPEC)
    assert refresh(engine, "demo", END, only={"whole community"}).made == ["whole community"]
    key = next(k for k in series_of(engine, 1) if k.name == "whole community")
    with engine.connect() as conn:
        stored = stored_forecast(conn, 1, key)
        actual = hourly_counts(conn, 1, key, first, END)
    actual["ds"] = pd.to_datetime(actual["ds"], utc=True)
    last_hour, fitted = stored.history_end, stored.fitted
    assert stored.points["ds"].iloc[0] == pd.Timestamp(first)
    assert len(stored.fitted) + len(stored.ahead) == len(stored.points)
    assert anomalies(actual, fitted).empty
    assert spike_starts(actual, fitted["ds"].iloc[0], last_hour).empty


class _StillWaiting(Exception):
    pass


def _give_up(*_) -> None:
    raise _StillWaiting


def test_hung_fits_die_even_when_the_parent_only_flags_sigterm(forecast_url, monkeypatch):
    """The worker's SIGTERM handler only sets a flag; forked fitting processes inherited it
    and ignored the pool's terminate, so the job waited for good."""
    import multiprocessing
    import signal

    engine = make_engine(forecast_url)
    monkeypatch.setattr(refresh_module, "_fit", _fit_that_hangs)
    monkeypatch.setattr(refresh_module, "stored_state", lambda *args: None)
    flagged = threading.Event()
    previous_term = signal.signal(signal.SIGTERM, lambda *_: flagged.set())
    previous_alarm = signal.signal(signal.SIGALRM, _give_up)
    signal.alarm(45)  # a hang fails the test instead of stalling the suite
    try:
        summary = refresh(engine, "demo", END, only={"billing"}, time_limit=0.5)
    except _StillWaiting:
        pytest.fail("the refresh still waited for its hung fit 45 s later")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous_alarm)
        signal.signal(signal.SIGTERM, previous_term)
    assert summary.failed == {"billing": "took longer than 0.5 s"}
    assert multiprocessing.active_children() == []
    assert not flagged.is_set()
