"""`ecg worker` and `ecg run`: the scheduled jobs alone, or with the dashboard."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from dashboard.cli.common import engine_for
from dashboard.cli.database import create_demo

log = logging.getLogger("ecg")


def add_parsers(sub) -> None:
    _worker_parser(sub)
    _run_parser(sub)


def _worker_parser(sub) -> None:
    p = sub.add_parser("worker", help="run the scheduled jobs until stopped")
    p.set_defaults(handler=cmd_worker)


def cmd_worker(args, settings) -> int:
    import threading

    from dashboard.worker.scheduler import install_stop_signals, run_worker
    from dashboard.worker.storage import StoragePolicy
    from data_access.setup import init_database

    stop = threading.Event()
    install_stop_signals(stop)
    engine = engine_for(settings)
    init_database(engine)
    run_worker(
        engine,
        settings.worker_interval_seconds,
        settings.demo,
        stop,
        alerts_every=timedelta(seconds=settings.alert_interval_seconds),
        notifications=settings.notifications,
        report_mail=settings.report_mail,
        timezone=settings.timezone,
        storage=StoragePolicy(settings.retention_months, settings.retention_archive),
        forecast_time_limit=settings.forecast_time_limit_seconds,
        alert_budget_per_week=settings.alert_budget_per_week,
    )
    return 0


def _run_parser(sub) -> None:
    p = sub.add_parser("run", help="prepare the database, start the worker and the dashboard")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address the dashboard listens on (127.0.0.1: this machine only; 0.0.0.0: every "
        "interface, for a server others reach, best behind a TLS proxy)",
    )
    p.set_defaults(handler=cmd_run)


def cmd_run(args, settings) -> int:
    from dashboard.cli.run import launch
    from data_access import accounts
    from data_access.communities import community_names
    from data_access.setup import init_database

    engine = engine_for(settings)
    init_database(engine)
    if not community_names(engine):
        create_demo(engine)
    password = accounts.create_first_admin(engine, datetime.now(UTC))
    if password is not None:
        print(
            "\n  No account existed, so one was made. Sign in with\n"
            f"      user name: admin\n      password:  {password}\n"
            "  (a one-time password: you choose your own at first sign-in)\n",
            flush=True,
        )
    return launch(args.port, args.address)
