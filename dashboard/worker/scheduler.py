"""The worker's scheduler: runs the jobs (one module each in this package) with no browser
open: the demo community's new messages, forecasts, alert rules, notifications, the
weekly figures and report, storage upkeep. A heartbeat tells the dashboard it is alive.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from alerts.notify import NotificationSettings
from dashboard.notify_settings import ReportMail
from dashboard.report.mail import send_weekly_reports
from dashboard.worker.alerts import evaluate_alerts, send_notifications
from dashboard.worker.calibration import calibrate_thresholds
from dashboard.worker.demo import demo_tick
from dashboard.worker.emerging import record_emerging_terms
from dashboard.worker.forecasts import refresh_forecasts
from dashboard.worker.storage import StoragePolicy, maintain_storage
from dashboard.worker.weekly import store_member_weeks, store_weekly_figures
from data_access.communities import community_names
from data_access.heartbeat import beat
from forecasting.refresh import TIME_LIMIT_SECONDS

log = logging.getLogger(__name__)
NO_NOTIFICATIONS = NotificationSettings()
NO_REPORT_MAIL = ReportMail()
KEEP_EVERYTHING = StoragePolicy()
EMERGING_EVERY = timedelta(minutes=15)  # the emerging-term snapshots (FRESH_MINUTES: 45)


class WorkerStopping(BaseException):
    """Raised in the worker's main thread by SIGINT or SIGTERM: the job in hand ends at
    once (a forecast pool's fitting processes are terminated on the way out). A
    BaseException, so no job's `except Exception` swallows it."""


def install_stop_signals(stop: threading.Event) -> None:
    """SIGINT and SIGTERM set `stop` and interrupt the job in hand (once: a second signal
    during the clean-up only sets `stop` again)."""

    def on_signal(signum, _frame) -> None:
        if stop.is_set():
            return
        stop.set()
        raise WorkerStopping(signal.Signals(signum).name)

    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, on_signal)


Job = tuple[str, Callable[..., None], tuple]  # a name for the log, the job, its arguments
NEW_COMMUNITY_JOBS = ("forecast", "weekly figures")  # due at once for a community just made


@dataclass
class Schedule:
    """Which jobs are due when: the demo every loop, forecasts and the weekly figures every
    `forecast_every`, the emerging terms every 15 minutes, alert rules every
    `alerts_every`, notifications every loop, storage upkeep and threshold calibration
    daily, the weekly mail checked every minute when it has recipients. A community that
    appeared since the last loop (an import from the page or the shell) has its forecasts,
    weekly figures and member weeks at once, not up to `forecast_every` later."""

    demo: bool
    forecast_every: timedelta
    alerts_every: timedelta
    notifications: NotificationSettings
    report_mail: ReportMail
    timezone: str
    storage: StoragePolicy
    forecast_time_limit: float
    alert_budget_per_week: float = 1.0
    last_run: dict[str, datetime] = field(default_factory=dict)
    communities: frozenset[str] | None = None  # those of the last loop

    def count_new_communities_now(self, names: frozenset[str]) -> None:
        """Make the counts of every community due when `names` holds one not seen before."""
        if self.communities is not None and not names <= self.communities:
            for job in NEW_COMMUNITY_JOBS:
                self.last_run.pop(job, None)
        self.communities = names

    def due(self, job: str, every: timedelta, now: datetime) -> bool:
        if job in self.last_run and now - self.last_run[job] < every:
            return False
        self.last_run[job] = now
        return True

    def jobs(self, engine: Engine, now: datetime, fitting: Callable[..., None]) -> list[Job]:
        """The jobs due at `now`, in order, each with its arguments."""
        planned: list[Job] = [("demo", demo_tick, (engine, now))] if self.demo else []
        try:
            self.count_new_communities_now(frozenset(community_names(engine)))
        except Exception:  # the database away: the jobs below say so in the log
            log.debug("communities not read", exc_info=True)
        if self.due("forecast", self.forecast_every, now):
            fit = (engine, now, fitting, self.forecast_time_limit)
            planned.append(("forecast", refresh_forecasts, fit))
        if self.due("emerging terms", EMERGING_EVERY, now):
            planned.append(("emerging terms", record_emerging_terms, (engine, now)))
        if self.due("alerts", self.alerts_every, now):
            planned.append(("alerts", evaluate_alerts, (engine, now)))
        planned.append(("notifications", send_notifications, (engine, self.notifications, now)))
        if self.due("calibration", timedelta(days=1), now):
            budget = (engine, self.alert_budget_per_week, now)
            planned.append(("calibration", calibrate_thresholds, budget))
        if self.due("storage", timedelta(days=1), now):
            planned.append(("storage", maintain_storage, (engine, self.storage, now)))
        if self.due("weekly figures", self.forecast_every, now):
            figures = (engine, self.timezone, now)
            planned.append(("weekly figures", store_weekly_figures, figures))
            planned.append(("member weeks", store_member_weeks, figures))
        if self.report_mail.recipients and self.due("weekly report", timedelta(minutes=1), now):
            mail = (engine, self.report_mail, self.notifications.smtp, self.timezone, now)
            planned.append(("weekly report", send_weekly_reports, mail))
        return planned


def run_worker(
    engine: Engine,
    interval_seconds: float,
    demo: bool,
    stop: threading.Event,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    forecast_every: timedelta = timedelta(minutes=15),
    alerts_every: timedelta = timedelta(minutes=1),
    notifications: NotificationSettings = NO_NOTIFICATIONS,
    report_mail: ReportMail = NO_REPORT_MAIL,
    timezone: str = "UTC",
    storage: StoragePolicy = KEEP_EVERYTHING,
    forecast_time_limit: float = TIME_LIMIT_SECONDS,
    alert_budget_per_week: float = 1.0,
) -> None:
    """Run the jobs (see Schedule) every `interval_seconds` until `stop` is set. A failing
    job is logged and tried again next time. A heartbeat is written every loop and as
    forecasts progress; WorkerStopping (from install_stop_signals) ends it at once."""
    log.info("worker started (every %gs, demo %s)", interval_seconds, "on" if demo else "off")
    schedule = Schedule(
        demo, forecast_every, alerts_every, notifications, report_mail, timezone, storage,
        forecast_time_limit, alert_budget_per_week,
    )  # fmt: skip
    started = clock()

    def alive(now: datetime) -> None:
        _guarded("heartbeat", beat, engine, started, now, os.getpid())

    def fitting(*_progress) -> None:  # a long refresh beats as its series are fitted
        alive(clock())

    try:
        while not stop.is_set():
            now = clock()
            alive(now)
            for name, job, args in schedule.jobs(engine, now, fitting):
                _guarded(name, job, *args)
            stop.wait(interval_seconds)
    except WorkerStopping as stopping:
        log.info("worker stopping (%s)", stopping)
    log.info("worker stopped")


def _guarded(name: str, job: Callable[..., None], *args) -> None:
    try:
        job(*args)
    except Exception:
        log.exception("%s job failed; will try again", name)
