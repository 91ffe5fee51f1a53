"""What the Weekly report page needs besides the report itself (resources.weekly_report):
the weeks it offers, their labels, how a KPI's change is written, and the PDF."""

from __future__ import annotations

from datetime import datetime, timedelta

from analysis.kpi_cards import DEFINITIONS, change_text, format_value, zh_value
from analysis.weeks import Week, last_complete_week, week_of
from dashboard.i18n import N_, _
from dashboard.report.pdf import report_pdf
from dashboard.web.components import in_chinese

__all__ = ["DEFINITIONS", "Week", "change_text", "format_value", "report_pdf"]


def week_choices(
    now: datetime, timezone: str, extent: tuple[datetime, datetime] | None, offered: int
) -> list[Week]:
    """The `offered` complete weeks before `now`, newest first, from the week the data
    begins (`extent`: the first and last hour with messages); at least the newest."""
    newest = last_complete_week(now, timezone)
    weeks = [newest.shifted(-n) for n in range(offered)]
    if extent is not None:
        first = week_of(extent[0].date())
        weeks = [w for w in weeks if w >= first] or [newest]
    return weeks


def label(week: Week) -> str:
    """'2026-W48 (23 Nov – 29 Nov 2026)'."""
    monday = week.monday()
    return f"{week.name} ({monday:%d %b} – {monday + timedelta(days=6):%d %b %Y})"


# The KPI cards' and the health score's words, for the viewer's language: the English
# ones are analysis.kpi_cards' own, marked here so that the catalogs carry them.
KPI_WORDS = {
    "active": (
        N_("Active members"),
        N_("People (not bots) who posted or reacted at least once."),
    ),
    "new": (
        N_("New members"),
        N_("People first seen this week: their first message, reaction or join ever."),
    ),
    "returning": (N_("Returning members"), N_("Active this week and the week before.")),
    "churned": (
        N_("Churned members"),
        N_(
            "Active the week before, silent this week: read from their messages, so they may "
            "still be members (see Members who left)."
        ),
    ),
    "left": (
        N_("Members who left"),
        N_(
            "People who left a channel, group or server, where the platform records it "
            "(Slack, Discord, Telegram exports); churned members only went quiet. Zero where "
            "the export records no leaves."
        ),
    ),
    "messages": (N_("Messages"), N_("Every message, bots included.")),
    "threads": (
        N_("Threads started"),
        N_("Top-level messages (not replies) that got at least one reply."),
    ),
    "response_rate": (
        N_("Response rate"),
        N_(
            "Of the questions (top-level messages with a '?') and threads started, the share "
            "answered by someone other than the asker."
        ),
    ),
    "median_response_minutes": (
        N_("Median first response"),
        N_("From the message to its first reply by someone else, over the answered ones."),
    ),
    "avg_sentiment": (
        N_("Average sentiment"),
        N_("Mean VADER compound score (-1 to +1) of the scored messages."),
    ),
    "negative_share": (
        N_("Negative share"),
        N_("Share of scored messages with a compound score of -0.05 or less."),
    ),
}
HEALTH_WORDS = {
    "Activity": (
        N_("Activity"),
        N_("25 × active members ÷ the median of the weeks before (at most 25)"),
    ),
    "Retention": (N_("Retention"), N_("25 × returning members ÷ last week's active members")),
    "Responsiveness": (N_("Responsiveness"), N_("25 × response rate")),
    "Mood": (N_("Mood"), N_("25 × (1 − negative share ÷ 40%), at least 0")),
    "Incidents": (
        N_("Incidents"),
        N_("−5 per critical and −2 per warning episode, at most −20"),
    ),
}


def kpi_label(card) -> str:
    return _(KPI_WORDS.get(card.key, (card.label, ""))[0])


def kpi_definition(card) -> str:
    return _(KPI_WORDS.get(card.key, ("", card.definition))[1])


def health_words(part) -> tuple[str, str]:
    name, how = HEALTH_WORDS.get(part.name, (part.name, part.how))
    return _(name), _(how)


def shown(card, value=None) -> str:
    """A KPI's value written for the viewer: '5 min' or '5 分钟'."""
    if in_chinese() and card.kind == "minutes":
        return zh_value(card, value)
    return card.shown(value)


def change_shown(card) -> str | None:
    """change_text, its units in the viewer's language."""
    text = change_text(card)
    if text is None or not in_chinese():
        return text
    return text.replace(" pts", " 个百分点").replace(" min", " 分钟").replace(" h", " 小时")


def week_label(week: Week) -> str:
    """label(), or '2026年第48周（11月23日–11月29日）' in Chinese."""
    if not in_chinese():
        return label(week)
    monday = week.monday()
    sunday = monday + timedelta(days=6)
    return (
        f"{week.year}年第{week.number}周（{monday.month}月{monday.day}日–"
        f"{sunday.month}月{sunday.day}日）"
    )
