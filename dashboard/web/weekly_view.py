"""What the Weekly report page needs besides the report itself (resources.weekly_report):
the weeks it offers, their labels, how a KPI's change is written, and the PDF."""

from __future__ import annotations

from datetime import datetime

from analysis.kpi_cards import DEFINITIONS, change_text, format_value
from analysis.weeks import WEEKS_OFFERED, Week, newest_week_with_data, week_of, week_to_open
from dashboard.report.pdf import report_pdf
from dashboard.report.words import (
    HEALTH_WORDS,
    KPI_WORDS,
    change_shown,
    critical_incidents,
    health_words,
    kpi_definition,
    kpi_label,
    label,
    shown,
    week_label,
)

__all__ = [
    "DEFINITIONS",
    "HEALTH_WORDS",
    "KPI_WORDS",
    "WEEKS_OFFERED",
    "Week",
    "change_shown",
    "change_text",
    "critical_incidents",
    "format_value",
    "health_words",
    "kpi_definition",
    "kpi_label",
    "label",
    "report_pdf",
    "shown",
    "week_label",
]


def week_choices(
    now: datetime, timezone: str, extent: tuple[datetime, datetime] | None, offered: int
) -> list[Week]:
    """The `offered` complete weeks before `now` (or, for an archive whose data ended
    before them, up to the week of its newest message), newest first, from the week the
    data begins (`extent`: the first and last hour with messages); at least the newest."""
    newest = newest_week_with_data(extent[1] if extent else None, now, timezone, offered)
    weeks = [newest.shifted(-n) for n in range(offered)]
    if extent is not None:
        first = week_of(extent[0].date())
        weeks = [w for w in weeks if w >= first] or [newest]
    return weeks


def first_shown(
    weeks: list[Week], extent: tuple[datetime, datetime] | None, now: datetime, timezone: str
) -> int:
    """Which of `weeks` (week_choices, newest first) the page opens on (week_to_open)."""
    opened = week_to_open(extent[1] if extent else None, now, timezone, WEEKS_OFFERED)
    return weeks.index(opened) if opened in weeks else 0
