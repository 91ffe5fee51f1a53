"""Settings: one pure function from secrets and environment to a frozen value.

Each setting comes from the environment first, then `.streamlit/secrets.toml`,
then its default; docs/configuration.md lists them all.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.notify import NotificationSettings
from dashboard.notify_settings import (
    WEEKDAYS,
    NotificationSettingsError,
    ReportMail,
    load_notifications,
)
from data_access.db import DEFAULT_DATABASE_URL
from data_access.retention import RetentionError, validate_months

MIN_LIVE_REFRESH_SECONDS = 2.0


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "UTC"
    live_refresh_seconds: float = 5.0
    demo: bool = True  # keep the "demo" community live, when there is one
    worker_interval_seconds: float = 10.0
    bots: frozenset[str] = frozenset()  # author ids or names counted as bots on import
    session_idle_minutes: float = 60.0
    ingest_token: str = field(default="", repr=False)  # `ecg ingest-server`'s; never logged
    alert_interval_seconds: float = 60.0  # how often the worker evaluates the alert rules
    backtest_days: int = 30  # the period the thresholds page previews a rule over
    forecast_time_limit_seconds: float = 120.0  # one series' fit; past it, killed and reported
    retention_months: int = 0  # raw messages kept: this many whole months; 0 = all
    retention_archive: bool = False  # PostgreSQL: keep removed months as archived_* tables
    notifications: NotificationSettings = NotificationSettings()
    report_mail: ReportMail = ReportMail()


def secrets_file(path: Path = Path(".streamlit/secrets.toml")) -> dict:
    """The secrets of the command's working folder, as Streamlit reads them; {} without."""
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text())


def load_settings(secrets: Mapping, environ: Mapping[str, str]) -> Settings:
    def pick(env: str, section: str, key: str, default):
        if env in environ:
            return environ[env]
        return secrets.get(section, {}).get(key, default)

    defaults = Settings()
    settings = Settings(
        database_url=str(pick("ECG_DATABASE_URL", "database", "url", defaults.database_url)),
        timezone=str(pick("ECG_TIMEZONE", "display", "timezone", defaults.timezone)),
        live_refresh_seconds=_at_least(
            pick("ECG_LIVE_REFRESH_SECONDS", "display", "live_refresh_seconds", 5.0),
            MIN_LIVE_REFRESH_SECONDS,
            "live_refresh_seconds",
        ),
        demo=_flag(pick("ECG_DEMO", "demo", "enabled", True)),
        ingest_token=str(pick("ECG_INGEST_TOKEN", "ingest", "token", "")).strip(),
        worker_interval_seconds=_at_least(
            pick("ECG_WORKER_INTERVAL_SECONDS", "worker", "interval_seconds", 10.0),
            1.0,
            "worker interval_seconds",
        ),
    )
    idle = _at_least(
        pick("ECG_SESSION_IDLE_MINUTES", "sessions", "idle_minutes", 60.0),
        1.0,
        "sessions idle_minutes",
    )
    bots = pick("ECG_BOTS", "members", "bots", [])
    if isinstance(bots, str):
        bots = bots.split(",")
    settings = replace(
        settings,
        bots=frozenset(b.strip() for b in bots if b.strip()),
        session_idle_minutes=idle,
        alert_interval_seconds=_at_least(
            pick("ECG_ALERT_INTERVAL_SECONDS", "alerts", "interval_seconds", 60.0),
            10.0,
            "alerts interval_seconds",
        ),
        backtest_days=int(
            _at_least(pick("ECG_BACKTEST_DAYS", "alerts", "backtest_days", 30), 1, "backtest_days")
        ),
        forecast_time_limit_seconds=_at_least(
            pick("ECG_FORECAST_TIME_LIMIT_SECONDS", "forecasts", "time_limit_seconds", 120.0),
            0.001,
            "forecasts time_limit_seconds",
        ),
    )
    settings = replace(
        settings,
        retention_months=_retention_months(
            pick("ECG_RETENTION_MONTHS", "storage", "retention_months", 0)
        ),
        retention_archive=_flag(pick("ECG_RETENTION_ARCHIVE", "storage", "archive", False)),
    )
    try:
        settings = replace(settings, notifications=load_notifications(secrets, environ))
    except NotificationSettingsError as error:
        raise SettingsError(str(error)) from None
    settings = replace(settings, report_mail=_report_mail(secrets.get("report", {}), environ))
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"timezone: {settings.timezone!r} is not an IANA time zone") from None
    return settings


def _report_mail(section: Mapping, environ: Mapping[str, str]) -> ReportMail:
    recipients = environ.get("ECG_REPORT_RECIPIENTS", section.get("recipients", []))
    if isinstance(recipients, str):
        recipients = recipients.split(",")
    day = str(environ.get("ECG_REPORT_DAY", section.get("day", "monday"))).strip().lower()
    if day not in WEEKDAYS:
        raise SettingsError(f"report day: {day!r} is not a weekday name")
    at_text = str(environ.get("ECG_REPORT_TIME", section.get("time", "08:00")))
    try:
        at = time.fromisoformat(at_text)
    except ValueError:
        raise SettingsError(f"report time: {at_text!r} is not a time like 08:00") from None
    return ReportMail(tuple(r.strip() for r in recipients if r.strip()), WEEKDAYS.index(day), at)


def _retention_months(value) -> int:
    months = _at_least(value, 0, "retention_months")
    if months != int(months):
        raise SettingsError(f"retention_months: a whole number of months, got {value!r}")
    try:
        return validate_months(int(months))
    except RetentionError as error:
        raise SettingsError(str(error)) from None


def _at_least(value, minimum: float, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name}: {value!r} is not a number") from None
    if not number >= minimum:
        raise SettingsError(f"{name}: must be at least {minimum:g}, got {value!r}")
    return number


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}
