"""Time ranges the viewer picks, and the bucket a range is drawn with. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dashboard.i18n import N_

PRESETS: dict[str, timedelta] = {  # the names are shown translated
    N_("Last 24 hours"): timedelta(hours=24),
    N_("Last 7 days"): timedelta(days=7),
    N_("Last 30 days"): timedelta(days=30),
    N_("Last 90 days"): timedelta(days=90),
    N_("Last 365 days"): timedelta(days=365),
}
CUSTOM = N_("Custom")
DEFAULT_PRESET = "Last 7 days"


@dataclass(frozen=True)
class TimeRange:
    """[start, end) in aware UTC."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> TimeRange:
        """The period of the same length just before this one."""
        return TimeRange(self.start - self.length, self.start)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def preset_range(preset: str, now: datetime) -> TimeRange:
    """The range for a preset, ending with the current hour (so it is included)."""
    end = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return TimeRange(end - PRESETS[preset], end)


def custom_range(first_day: date, last_day: date, timezone: str) -> TimeRange:
    """Whole local days from `first_day` to `last_day` inclusive."""
    if last_day < first_day:
        first_day, last_day = last_day, first_day
    zone = ZoneInfo(timezone)
    start = datetime.combine(first_day, time(), zone).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time(), zone).astimezone(UTC)
    return TimeRange(start, end)


def bucket_for(time_range: TimeRange) -> str:
    """ "hour" up to 3 days, "day" up to 120 days, "week" beyond."""
    if time_range.length <= timedelta(days=3):
        return "hour"
    if time_range.length <= timedelta(days=120):
        return "day"
    return "week"


def range_with_data(last_hour: datetime, length: timedelta) -> TimeRange:
    """A range of `length` that ends with the newest data."""
    end = last_hour + timedelta(hours=1)
    return TimeRange(end - length, end)
