"""The worker: scheduled jobs that run with no browser open.

It keeps the demo community live (appending the simulated messages of each
passing minute), refits forecasts, evaluates the alert rules, stores the weekly
figures, sends notifications and reports, and applies the retention setting.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from alerts.cycle import evaluate_community
from alerts.delivery import notify
from alerts.notify import NotificationSettings
from dashboard.communities import DEMO_COMMUNITY, DEMO_SPEC, prepare_community, simulate
from dashboard.notify_settings import ReportMail
from dashboard.report.figures import refresh_stored_figures
from dashboard.report.mail import send_weekly_reports
from data_access.communities import community_id_of, community_names
from data_access.heartbeat import beat
from data_access.partitions import ensure_months, month_of, next_month
from data_access.retention import apply_retention
from data_access.schema import Community, Message
from forecasting.refresh import TIME_LIMIT_SECONDS, refresh

log = logging.getLogger(__name__)
NO_NOTIFICATIONS = NotificationSettings()
NO_REPORT_MAIL = ReportMail()
MAX_CATCH_UP = timedelta(days=2)  # after a long pause, do not backfill more than this


def newest_message_time(engine: Engine, community: str) -> datetime | None:
    query = (
        select(func.max(Message.sent_at))
        .join(Community, Community.id == Message.community_id)
        .where(Community.name == community)
    )
    with engine.connect() as conn:
        newest = conn.scalar(query)
    if isinstance(newest, str):  # SQLite returns max() of a datetime column as text
        newest = datetime.fromisoformat(newest)
    return None if newest is None else newest.replace(tzinfo=UTC)


def append_demo_messages(engine: Engine, now: datetime) -> int:
    """Write the demo community's simulated messages since its newest one; 0 without a demo."""
    newest = newest_message_time(engine, DEMO_COMMUNITY)
    if newest is None:
        return 0
    start = max(newest + timedelta(microseconds=1), now - MAX_CATCH_UP)
    if start >= now:
        return 0
    return simulate(engine, DEMO_COMMUNITY, start, now, DEMO_SPEC).imported


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


def refresh_forecasts(
    engine: Engine,
    now: datetime,
    on_progress: Callable[[int, int], None] | None = None,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> None:
    """Refit, in every community, the series with new data since their last forecast."""
    for community in community_names(engine):
        summary = refresh(engine, community, now, on_progress=on_progress, time_limit=time_limit)
        if summary.made or summary.failed:
            log.info(
                "forecasts of %s: %d made, %d unchanged, %d failed %s",
                community,
                len(summary.made),
                len(summary.skipped),
                len(summary.failed),
                summary.failed or "",
            )


def evaluate_alerts(engine: Engine, now: datetime) -> None:
    """Evaluate every community's alert rules for the minutes up to `now`."""
    for community in community_names(engine):
        community_id = prepare_community(engine, community)
        summary = evaluate_community(engine, community_id, now)
        if summary.opened or summary.resolved:
            log.info(
                "alerts of %s: %d opened, %d resolved",
                community,
                len(summary.opened),
                len(summary.resolved),
            )


def send_notifications(engine: Engine, settings: NotificationSettings, now: datetime) -> None:
    summary = notify(engine, settings, now)
    if summary.sent:
        log.info("notifications: %d sent", summary.sent)


def store_weekly_figures(engine: Engine, timezone: str, now: datetime) -> None:
    """Count the member and response figures of complete weeks ahead of the Weekly page."""
    for community in community_names(engine):
        counted = refresh_stored_figures(engine, community_id_of(engine, community), timezone, now)
        if counted:
            log.info("weekly figures of %s: %d week(s) counted", community, counted)


@dataclass(frozen=True)
class StoragePolicy:
    retention_months: int = 0  # 0: keep every raw message
    archive: bool = False


def maintain_storage(engine: Engine, policy: StoragePolicy, now: datetime) -> None:
    """Daily: make this month's and the next month's partitions ahead of their messages
    (PostgreSQL), and remove the raw messages the retention setting no longer keeps."""
    with engine.begin() as conn:
        ensure_months(conn, [now, next_month(month_of(now))])
    result = apply_retention(engine, policy.retention_months, now, archive=policy.archive)
    if result and result.removed:
        log.info(
            "retention: %d raw messages before %s removed",
            result.removed,
            f"{result.kept_since:%Y-%m-%d}",
        )


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
    storage: StoragePolicy = StoragePolicy(),
    forecast_time_limit: float = TIME_LIMIT_SECONDS,
) -> None:
    """Run the jobs until `stop` is set: the demo every `interval_seconds`, forecasts every
    `forecast_every` (only series with new data are refitted), alert rules every
    `alerts_every`, storage upkeep (partitions ahead, retention) daily. A failing job is
    logged and tried again next time. A heartbeat is written every loop and as forecasts
    progress; WorkerStopping (from install_stop_signals) ends it at once."""
    log.info("worker started (every %gs, demo %s)", interval_seconds, "on" if demo else "off")
    last_run: dict[str, datetime] = {}
    started = clock()

    def alive(now: datetime) -> None:
        _guarded("heartbeat", beat, engine, started, now, os.getpid())

    def fitting(*_progress) -> None:  # a long refresh beats as its series are fitted
        alive(clock())

    def due(job: str, every: timedelta, now: datetime) -> bool:
        if job in last_run and now - last_run[job] < every:
            return False
        last_run[job] = now
        return True

    def jobs(now: datetime) -> list[tuple[str, Callable[..., None], tuple]]:
        """The jobs due at `now`, in order, each with its arguments."""
        planned = [("demo", _demo_tick, (engine, now))] if demo else []
        if due("forecast", forecast_every, now):
            fit = (engine, now, fitting, forecast_time_limit)
            planned.append(("forecast", refresh_forecasts, fit))
        if due("alerts", alerts_every, now):
            planned.append(("alerts", evaluate_alerts, (engine, now)))
        planned.append(("notifications", send_notifications, (engine, notifications, now)))
        if due("storage", timedelta(days=1), now):
            planned.append(("storage", maintain_storage, (engine, storage, now)))
        if due("weekly figures", forecast_every, now):
            planned.append(("weekly figures", store_weekly_figures, (engine, timezone, now)))
        if report_mail.recipients and due("weekly report", timedelta(minutes=1), now):
            mail = (engine, report_mail, notifications.smtp, timezone, now)
            planned.append(("weekly report", send_weekly_reports, mail))
        return planned

    try:
        while not stop.is_set():
            now = clock()
            alive(now)
            for name, job, args in jobs(now):
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


def _demo_tick(engine: Engine, now: datetime) -> None:
    added = append_demo_messages(engine, now)
    if added:
        log.info("demo: %d new message(s)", added)
