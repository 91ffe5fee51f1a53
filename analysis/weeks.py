"""ISO weeks in a time zone: their UTC boundaries, names like 2026-W47, the last complete one.

A week runs from Monday 00:00 to the next Monday 00:00 in the viewer's zone, so it lasts
167 or 169 hours when the clocks change inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKS_OFFERED = 52  # the weeks the Weekly page offers, the newest first

_NAME = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @property
    def name(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def start(self, timezone: str) -> datetime:
        """Monday 00:00 in `timezone`, as UTC."""
        return datetime.combine(self.monday(), time(), ZoneInfo(timezone)).astimezone(UTC)

    def end(self, timezone: str) -> datetime:
        return self.shifted(1).start(timezone)

    def shifted(self, weeks: int) -> Week:
        return week_of(self.monday() + timedelta(weeks=weeks))


def week_of(day: date) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number)


def parse_week(text: str) -> Week:
    """'2026-W47' -> Week(2026, 47); ValueError naming the expected form otherwise."""
    match = _NAME.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not an ISO week like 2026-W47")
    year, number = int(match[1]), int(match[2])
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {number}") from None
    return Week(year, number)


def last_complete_week(now: datetime, timezone: str) -> Week:
    """The newest week that has ended by `now` in `timezone`."""
    return week_of(now.astimezone(ZoneInfo(timezone)).date()).shifted(-1)


def newest_week_with_data(
    last_hour: datetime | None, now: datetime, timezone: str, weeks: int
) -> Week:
    """The newest of `weeks` weeks to show or keep: the last complete one by `now`; when
    the newest message (`last_hour`) is older than all of those weeks (an imported
    archive), the week of that message. A live community gone quiet keeps its weeks up
    to now: that it went quiet is news."""
    newest = last_complete_week(now, timezone)
    if last_hour is not None and last_hour < newest.shifted(1 - weeks).start(timezone):
        return week_of(last_hour.astimezone(ZoneInfo(timezone)).date())
    return newest


def week_to_open(last_hour: datetime | None, now: datetime, timezone: str, weeks: int) -> Week:
    """The week a report opens on: the newest of newest_week_with_data, unless no message
    came in it or after it (an archive of this year, a community gone quiet): then the
    week of the newest message, so that what is opened has something in it."""
    newest = newest_week_with_data(last_hour, now, timezone, weeks)
    if last_hour is not None and last_hour < newest.start(timezone):
        return week_of(last_hour.astimezone(ZoneInfo(timezone)).date())
    return newest


def boundaries(last: Week, count: int, timezone: str) -> list[datetime]:
    """UTC starts of the `count` weeks ending with `last`, then the end of `last`."""
    weeks = [last.shifted(-offset) for offset in range(count - 1, -1, -1)]
    return [w.start(timezone) for w in weeks] + [last.end(timezone)]
