"""The weekly report's words in the viewer's (or the e-mail's) language: the KPI cards',
the health score's, how a value and a change are written, and a week's name. Shared by
the Weekly page and the PDF."""

from __future__ import annotations

from datetime import timedelta

from analysis.kpi_cards import change_text, each_once, zh_value
from analysis.weeks import Week
from dashboard import i18n
from dashboard.i18n import N_, _, alert_words


def in_chinese() -> bool:
    return i18n.current().startswith("zh")


def label(week: Week) -> str:
    """'2026-W48 (23 Nov – 29 Nov 2026)'."""
    monday = week.monday()
    return f"{week.name} ({monday:%d %b} – {monday + timedelta(days=6):%d %b %Y})"


# members' lifecycle states and levels (analysis.lifecycle), for the pages and the PDF
STATE_NAMES = {
    "new": N_("new"),
    "active": N_("active"),
    "vital": N_("vital"),
    "returning": N_("returning"),
    "at risk": N_("at risk"),
    "churned": N_("churned"),
    "not around": N_("not around"),
}
LEVEL_NAMES = {
    "champion": N_("champion"),
    "regular": N_("regular"),
    "participant": N_("participant"),
    "observer": N_("observer"),
}


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


def critical_incidents(report) -> list[str]:
    """The week's critical incidents, "Volume surge on everything" in the current
    language (a shipped rule's name and the scope's own words translated), in order, each
    once ("×3" after one that happened three times)."""
    return each_once(
        [
            _("{rule} on {scope}").format(
                rule=alert_words.rule_text(rule), scope=alert_words.scope_label(scope)
            )
            for rule, scope in report.incidents["critical"]
        ],
        space="" if in_chinese() else " ",
    )


def critical_in_chinese(incidents: dict) -> list[str]:
    """The critical incidents as the Chinese summary names them: "消息量激增（全部）"."""
    with i18n.speaking(i18n.CHINESE):
        return [
            f"{alert_words.rule_text(rule)}（{alert_words.scope_label(scope)}）"
            for rule, scope in incidents["critical"]
        ]
