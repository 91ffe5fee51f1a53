"""Settings as data: SETTINGS is the one table of every plain setting (its field, ECG_
variable, place in `.streamlit/secrets.toml`, default, kind and help). load_settings, `ecg
config` and the table in docs/configuration.md all come from it (a test compares the
docs with it). Each comes from the environment first, then secrets.toml, then its default.
Notifications and the weekly mail have sections of their own (notify_settings.py).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url

from alerts.notify import NotificationSettings
from dashboard.notify_settings import (
    NotificationSettingsError,
    ReportMail,
    load_notifications,
    load_report_mail,
)
from data_access.db import DEFAULT_DATABASE_URL
from data_access.retention import RetentionError, validate_months

MIN_LIVE_REFRESH_SECONDS = 2.0


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Setting:
    """One plain setting. `parse` turns what was given (text from the environment, any
    TOML value from secrets.toml) into the value, or raises SettingsError naming `label`."""

    name: str  # the Settings field
    variable: str  # ECG_...
    section: str  # [section] key in secrets.toml
    key: str
    default: object
    parse: Callable[[object, str], object]  # (value, label) -> value
    help: str
    label: str = ""  # how an error names it; default "section key"
    secret: bool = False  # never printed
    show: Callable[[object], str] = str  # the value as `ecg config` prints it

    @property
    def secrets_key(self) -> str:
        return f"[{self.section}] {self.key}"

    @property
    def named(self) -> str:
        return self.label or f"{self.section} {self.key}"

    def shown_default(self) -> str:
        if isinstance(self.default, bool):
            return str(self.default).lower()
        if isinstance(self.default, float) and self.default.is_integer():
            return f"{self.default:g}"
        return str(self.default) if self.default not in ("", frozenset()) else "none"


def text(value, _label: str) -> str:
    return str(value).strip()


def flag(value, _label: str) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def number_at_least(minimum: float) -> Callable[[object, str], float]:
    def parse(value, label: str) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{label}: {value!r} is not a number") from None
        if not number >= minimum:
            raise SettingsError(f"{label}: must be at least {minimum:g}, got {value!r}")
        return number

    return parse


def whole_at_least(minimum: int) -> Callable[[object, str], int]:
    def parse(value, label: str) -> int:
        number = number_at_least(minimum)(value, label)
        if number != int(number):
            raise SettingsError(f"{label}: a whole number, got {value!r}")
        return int(number)

    return parse


def names(value, _label: str) -> frozenset[str]:
    """A list (secrets.toml) or comma-separated text (the environment)."""
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(str(item).strip() for item in items if str(item).strip())


def time_zone(value, label: str) -> str:
    zone = str(value).strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{label}: {zone!r} is not an IANA time zone") from None
    return zone


def without_password(url) -> str:
    if not url:
        return "none"
    return make_url(str(url)).render_as_string(hide_password=True)


def replica_url(value, label: str) -> str:
    url = str(value).strip()
    if url and not url.startswith("postgresql"):
        raise SettingsError(f"{label}: a read replica must be PostgreSQL (postgresql://...)")
    return url


def retention_months(value, label: str) -> int:
    months = whole_at_least(0)(value, label)
    try:
        return validate_months(months)
    except RetentionError as error:
        raise SettingsError(str(error)) from None


SETTINGS = (
    Setting("database_url", "ECG_DATABASE_URL", "database", "url", DEFAULT_DATABASE_URL,
            text, "database URL", show=without_password),
    Setting("read_database_url", "ECG_READ_DATABASE_URL", "database", "read_url", "",
            replica_url, "PostgreSQL streaming replica the dashboard reads from (writes go to "
            "the database URL), see [scaling.md](scaling.md)", show=without_password),
    Setting("read_max_lag_seconds", "ECG_READ_MAX_LAG_SECONDS", "database",
            "read_max_lag_seconds", 30.0, number_at_least(0),
            "past this many seconds behind, the dashboard reads the primary instead"),
    Setting("timezone", "ECG_TIMEZONE", "display", "timezone", "UTC", time_zone,
            "the time zone the dashboard opens in", label="timezone"),
    Setting("live_refresh_seconds", "ECG_LIVE_REFRESH_SECONDS", "display",
            "live_refresh_seconds", 5.0, number_at_least(MIN_LIVE_REFRESH_SECONDS),
            "Live page refresh, seconds (at least 2)", label="live_refresh_seconds"),
    Setting("demo", "ECG_DEMO", "demo", "enabled", True, flag,
            "keep the `demo` community live"),
    Setting("worker_interval_seconds", "ECG_WORKER_INTERVAL_SECONDS", "worker",
            "interval_seconds", 10.0, number_at_least(1), "worker tick, seconds"),
    Setting("session_idle_minutes", "ECG_SESSION_IDLE_MINUTES", "sessions", "idle_minutes",
            60.0, number_at_least(1), "sign-in sessions end after this many idle minutes"),
    Setting("ingest_token", "ECG_INGEST_TOKEN", "ingest", "token", "", text,
            "bearer token of `ecg ingest-server` (never logged; without one the server "
            "refuses to start)", secret=True),
    Setting("bots", "ECG_BOTS", "members", "bots", frozenset(), names,
            "bot accounts (author ids or display names), left out of member counts; applied "
            "on import; comma-separated in the environment, a list in secrets.toml"),
    Setting("alert_interval_seconds", "ECG_ALERT_INTERVAL_SECONDS", "alerts",
            "interval_seconds", 60.0, number_at_least(10),
            "how often the worker evaluates the alert rules, seconds (at least 10)"),
    Setting("backtest_days", "ECG_BACKTEST_DAYS", "alerts", "backtest_days", 30,
            whole_at_least(1), "days the Thresholds page backtests a rule over",
            label="backtest_days"),
    Setting("alert_budget_per_week", "ECG_ALERT_BUDGET_PER_WEEK", "alerts",
            "episodes_per_week", 1.0, number_at_least(0.1),
            "false-alarm budget: each shipped, unpinned rule's threshold is set daily so it "
            "would have opened at most this many episodes a week in the last 30 days",
            label="episodes_per_week"),
    Setting("forecast_time_limit_seconds", "ECG_FORECAST_TIME_LIMIT_SECONDS", "forecasts",
            "time_limit_seconds", 120.0, number_at_least(0.001),
            "seconds one forecast series may take to fit; past it the fit is killed and "
            "reported"),
    Setting("retention_months", "ECG_RETENTION_MONTHS", "storage", "retention_months", 0,
            retention_months, "raw messages kept: whole months before the current one (0 = "
            "all; else at least 4), see [Retention](#retention)", label="retention_months"),
    Setting("retention_archive", "ECG_RETENTION_ARCHIVE", "storage", "archive", False, flag,
            "PostgreSQL: keep removed months as `archived_*` tables instead of dropping them"),
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    read_database_url: str = ""  # a PostgreSQL streaming replica for the dashboard's reads
    read_max_lag_seconds: float = 30.0  # further behind than this, reads go to the primary
    timezone: str = "UTC"
    live_refresh_seconds: float = 5.0
    demo: bool = True  # keep the "demo" community live, when there is one
    worker_interval_seconds: float = 10.0
    session_idle_minutes: float = 60.0
    ingest_token: str = field(default="", repr=False)  # `ecg ingest-server`'s; never logged
    bots: frozenset[str] = frozenset()  # author ids or names counted as bots on import
    alert_interval_seconds: float = 60.0  # how often the worker evaluates the alert rules
    backtest_days: int = 30  # the period the thresholds page previews a rule over
    alert_budget_per_week: float = 1.0  # calibration: episodes a week a rule may open
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


def given(setting: Setting, secrets: Mapping, environ: Mapping[str, str]) -> tuple[object, str]:
    """What was given for `setting` and where: 'environment', 'secrets.toml' or 'default'."""
    if setting.variable in environ:
        return environ[setting.variable], "environment"
    section = secrets.get(setting.section, {})
    if setting.key in section:
        return section[setting.key], "secrets.toml"
    return setting.default, "default"


def load_settings(secrets: Mapping, environ: Mapping[str, str]) -> Settings:
    values = {}
    for setting in SETTINGS:
        value, _ = given(setting, secrets, environ)
        values[setting.name] = setting.parse(value, setting.named)
    try:
        notifications = load_notifications(secrets, environ)
        report_mail = load_report_mail(secrets.get("report", {}), environ)
    except NotificationSettingsError as error:
        raise SettingsError(str(error)) from None
    if values["read_database_url"] and not values["database_url"].startswith("postgresql"):
        raise SettingsError(
            "ECG_READ_DATABASE_URL ([database] read_url): a read replica needs a PostgreSQL "
            "primary as the database URL"
        )
    return Settings(**values, notifications=notifications, report_mail=report_mail)


def described(secrets: Mapping, environ: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(setting, value as shown, where it came from) of every plain setting, for `ecg
    config`; secrets are shown as 'set' or 'not set'. Raises SettingsError like load_settings."""
    settings = load_settings(secrets, environ)
    rows = []
    for setting in SETTINGS:
        _, source = given(setting, secrets, environ)
        value = getattr(settings, setting.name)
        if setting.secret:
            shown = "set" if value else "not set"
        elif isinstance(value, frozenset):
            shown = ", ".join(sorted(value)) or "none"
        else:
            shown = setting.show(value)
        rows.append((setting.name, shown, source))
    return rows


def markdown_table() -> str:
    """The plain settings as the table in docs/configuration.md (`ecg config --markdown`)."""
    rows = ["| setting | environment | secrets.toml | default |", "|---|---|---|---|"]
    for setting in SETTINGS:
        default = setting.shown_default()
        shown = "none" if default == "none" else f"`{default}`"
        rows.append(
            f"| {setting.help} | `{setting.variable}` | `{setting.secrets_key}` | {shown} |"
        )
    return "\n".join(rows) + "\n"
