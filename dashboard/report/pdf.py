"""The weekly report as a one-page A4 PDF, drawn with matplotlib (no browser needed):
summary, KPI table with changes, health score and its parts, 12-week sparklines, topics,
incidents and the kinds of message. Text stays text (TrueType fonts), so the PDF can be
searched and read back."""

from __future__ import annotations

import io
import logging
import textwrap
from datetime import timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
from matplotlib import font_manager

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dashboard import i18n  # noqa: E402
from dashboard.i18n import N_, _, ngettext, number, shortened  # noqa: E402
from dashboard.report.figures import WeeklyReport  # noqa: E402
from dashboard.report.words import (  # noqa: E402
    STATE_NAMES,
    change_shown,
    critical_incidents,
    health_words,
    in_chinese,
    kpi_label,
    shown,
)

log = logging.getLogger(__name__)

A4 = (8.27, 11.69)
# Chinese text (a community's, a topic's name, a Chinese summary) needs a CJK font beside
# DejaVu Sans, else it is drawn as boxes: Noto Sans CJK (Debian: fonts-noto-cjk), or
# WenQuanYi, where installed
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",  # titles: bold, not a warning
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")
GOOD, BAD, PLAIN = "#2e7d32", "#c62828", "#424242"
SPARKLINES = ("active", "messages", "response_rate", "negative_share")


@cache
def font_families() -> list[str]:
    """DejaVu Sans, then the first CJK family found on this machine (matplotlib falls
    back to it glyph by glyph); a warning once when there is none."""
    for path in CJK_FONT_FILES:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
    known = {font.name for font in font_manager.fontManager.ttflist}
    cjk = [family for family in CJK_FAMILIES if family in known][:1]
    if not cjk:
        log.warning("no CJK font: Chinese text in PDFs shows as boxes (install fonts-noto-cjk)")
    return ["DejaVu Sans", *cjk]


def report_pdf(report: WeeklyReport, language: str | None = None) -> bytes:
    """The report's page, written in `language` (en or zh_CN; None: the current one)."""
    # user text (topic, rule and community names) is drawn as it is: "$5 ... $10" is not maths
    style = {"pdf.fonttype": 42, "font.family": font_families(), "text.parse_math": False}
    with plt.rc_context(style), i18n.speaking(language or i18n.current()):
        figure = plt.figure(figsize=A4)
        _header(figure, report)
        _kpi_table(figure, report)
        _health(figure, report)
        _sparklines(figure, report)
        _topics_and_incidents(figure, report)
        _kinds(figure, report)
        _members(figure, report)
        buffer = io.BytesIO()
        figure.savefig(
            buffer, format="pdf", metadata={"Title": f"{report.community} {report.week.name}"}
        )
        plt.close(figure)
    return buffer.getvalue()


def _header(figure, report: WeeklyReport) -> None:
    zone = ZoneInfo(report.timezone)
    first = _day(report.start.astimezone(zone))
    last = _day(report.end.astimezone(zone) - timedelta(days=1))
    title = _("{community}: week {week}").format(community=report.community, week=report.week.name)
    figure.text(0.06, 0.955, title, fontsize=17, weight="bold")
    dates = _("{first} to {last} ({zone})").format(first=first, last=last, zone=report.timezone)
    figure.text(0.06, 0.935, dates, fontsize=9, color=PLAIN)
    if in_chinese():  # Chinese has no spaces to wrap at: a line holds about 55 characters
        summary = report.summary_zh
        wrapped = "\n".join(summary[i : i + 55] for i in range(0, len(summary), 55))
    else:
        wrapped = "\n".join(textwrap.wrap(report.summary, 105))
    figure.text(0.06, 0.92, wrapped, fontsize=9, va="top", color="#212121")


def _kpi_table(figure, report: WeeklyReport) -> None:
    top = 0.84
    figure.text(0.06, top, _("KPI"), fontsize=9, weight="bold")
    figure.text(0.36, top, _("this week"), fontsize=9, weight="bold")
    figure.text(0.50, top, _("week before"), fontsize=9, weight="bold")
    figure.text(0.64, top, _("change"), fontsize=9, weight="bold")
    for row, card in enumerate(report.cards, start=1):
        y = top - row * 0.018
        figure.text(0.06, y, kpi_label(card), fontsize=9)
        figure.text(0.36, y, shown(card), fontsize=9)
        figure.text(0.50, y, shown(card, card.previous), fontsize=9, color=PLAIN)
        colour = PLAIN if card.good is None else (GOOD if card.good else BAD)
        figure.text(0.64, y, change_shown(card) or "–", fontsize=9, color=colour)


def _health(figure, report: WeeklyReport) -> None:
    figure.text(0.80, 0.84, _("Health score"), fontsize=9, weight="bold")
    if report.health is None:  # no message to score
        figure.text(0.80, 0.80, "–", fontsize=28, weight="bold")
        return
    figure.text(0.80, 0.80, f"{report.health}", fontsize=28, weight="bold")
    figure.text(0.885, 0.805, "/ 100", fontsize=9, color=PLAIN)
    for row, part in enumerate(report.health_parts):
        name = health_words(part)[0]
        figure.text(0.80, 0.775 - row * 0.016, f"{name}: {part.points:+.1f}", fontsize=8)


def _sparklines(figure, report: WeeklyReport) -> None:
    figure.text(0.06, 0.62, _("The last 12 weeks"), fontsize=10, weight="bold")
    for index, key in enumerate(SPARKLINES):
        card = report.card(key)
        axes = figure.add_axes((0.06 + index * 0.23, 0.50, 0.19, 0.09))
        values = [v if v is not None else float("nan") for v in card.history]
        axes.set_title(kpi_label(card), fontsize=8)
        axes.set_xticks([])
        if all(v is None for v in card.history):  # say so, rather than draw empty axes
            axes.set_yticks([])
            axes.text(0.5, 0.5, _("no data in these weeks"), ha="center", va="center",
                      fontsize=7, color=PLAIN, transform=axes.transAxes)  # fmt: skip
        else:
            axes.plot(range(len(values)), values, color="#1565c0", linewidth=1.5)
            axes.plot([len(values) - 1], [values[-1]], "o", color="#1565c0", markersize=3)
            axes.tick_params(labelsize=6)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)


KIND_NAMES = {
    "question": N_("questions"),
    "bug_report": N_("bug reports"),
    "feature_request": N_("feature requests"),
    "complaint": N_("complaints"),
    "praise": N_("praise"),
    "other": N_("other"),
}


def _kinds(figure, report: WeeklyReport) -> None:
    """Messages of each kind against the week before, open questions, top bug reports."""
    top = 0.28
    figure.text(0.06, top, _("Kinds of message"), fontsize=10, weight="bold")
    for row, kind in enumerate(report.kinds.itertuples(), start=1):
        name = _(KIND_NAMES[kind.kind]) if kind.kind in KIND_NAMES else kind.kind
        line = _("{kind}: {count} (week before {previous})").format(
            kind=name, count=number(kind.messages), previous=number(kind.previous)
        )
        figure.text(0.06, top - row * 0.016, line, fontsize=8)
    title = _("Open questions and top bug reports")
    figure.text(0.52, top, title, fontsize=10, weight="bold")
    lines = [
        ngettext(
            "{count} question no one else has replied to",
            "{count} questions no one else has replied to",
            report.open_question_count,
        ).format(count=number(report.open_question_count))
    ]
    lines += [
        ngettext(
            "- bug ({count} reply): {text}", "- bug ({count} replies): {text}", row.replies
        ).format(count=row.replies, text=row.text)
        for row in report.bug_reports.head(4).itertuples()
    ]
    for row, line in enumerate(lines, start=1):
        figure.text(0.52, top - row * 0.016, shortened(line, 62), fontsize=8)


def _members(figure, report: WeeklyReport) -> None:
    """The lifecycle of the week (against the week before), the members newly at risk
    and the top contributors, where the worker counted the week."""
    top = 0.14
    figure.text(0.06, top, _("Members this week"), fontsize=10, weight="bold")
    if report.lifecycle.empty:
        lines = [_("Not counted yet (the worker counts each person's week).")]
    else:
        counts = ", ".join(
            f"{_(STATE_NAMES[row.state])} {row.people} ({row.previous})"
            for row in report.lifecycle.itertuples()
        )
        at_risk = ", ".join(report.at_risk["member"].head(6)) or "–"
        thanks = ", ".join(report.contributors["member"]) or "–"
        lines = [
            _("States (week before): {counts}").format(counts=counts),
            _("Newly at risk: {names}").format(names=at_risk),
            _("Top contributors: {names}").format(names=thanks),
        ]
    for row, line in enumerate(lines, start=1):
        figure.text(0.06, top - row * 0.016, shortened(line, 150), fontsize=8)


def _topics_and_incidents(figure, report: WeeklyReport) -> None:
    figure.text(0.06, 0.44, _("Top topics"), fontsize=10, weight="bold")
    for row, topic in enumerate(report.topics.head(5).itertuples(), start=1):
        count = ngettext("{count} message", "{count} messages", topic.messages)
        line = f"{topic.topic}: " + count.format(count=number(topic.messages))
        figure.text(0.06, 0.44 - row * 0.018, line, fontsize=9)
    if report.rising is not None:
        name, growth = report.rising
        rising = _("Rising fastest: {topic} (x{growth})").format(topic=name, growth=f"{growth:.1f}")
        figure.text(0.06, 0.32, rising, fontsize=9)
    counts = report.incidents["counts"]
    figure.text(0.52, 0.44, _("Incidents"), fontsize=10, weight="bold")
    lines = [
        _("critical: {critical}, warning: {warning}, info: {info}").format(**counts),
        _("time with an alert firing: {hours} h").format(
            hours=f"{report.incidents['firing_hours']:.1f}"
        ),
        *[f"- {name}" for name in critical_incidents(report)[:6]],
    ]
    for row, line in enumerate(lines, start=1):
        figure.text(0.52, 0.44 - row * 0.018, shortened(line, 60), fontsize=9)
    figure.text(
        0.06,
        0.04,
        _(
            "Definitions: docs/kpis.md. Members are people, bots left out; sentiment is "
            "VADER's (English) and the Chinese model's, of the messages they score."
        ),
        fontsize=7,
        color=PLAIN,
    )


def _day(moment) -> str:
    """'Mon 02 Nov 2026', or '2026年11月2日' in Chinese."""
    return i18n.day(moment) if in_chinese() else moment.strftime("%a %d %b %Y")
