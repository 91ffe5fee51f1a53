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

from analysis.kpi_cards import change_text  # noqa: E402
from dashboard.report.figures import WeeklyReport  # noqa: E402

log = logging.getLogger(__name__)

A4 = (8.27, 11.69)
# Chinese text (a community's, a topic's name, a Chinese summary) needs a CJK font beside
# DejaVu Sans, else it is drawn as boxes: Noto Sans CJK (Debian: fonts-noto-cjk), or
# WenQuanYi, where installed
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
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


def report_pdf(report: WeeklyReport) -> bytes:
    # user text (topic, rule and community names) is drawn as it is: "$5 ... $10" is not maths
    style = {"pdf.fonttype": 42, "font.family": font_families(), "text.parse_math": False}
    with plt.rc_context(style):
        figure = plt.figure(figsize=A4)
        _header(figure, report)
        _kpi_table(figure, report)
        _health(figure, report)
        _sparklines(figure, report)
        _topics_and_incidents(figure, report)
        _kinds(figure, report)
        buffer = io.BytesIO()
        figure.savefig(
            buffer, format="pdf", metadata={"Title": f"{report.community} {report.week.name}"}
        )
        plt.close(figure)
    return buffer.getvalue()


def _header(figure, report: WeeklyReport) -> None:
    zone = ZoneInfo(report.timezone)
    first = report.start.astimezone(zone).strftime("%a %d %b %Y")
    last = (report.end.astimezone(zone) - timedelta(days=1)).strftime("%a %d %b %Y")
    figure.text(
        0.06, 0.955, f"{report.community}: week {report.week.name}", fontsize=17, weight="bold"
    )
    figure.text(0.06, 0.935, f"{first} to {last} ({report.timezone})", fontsize=9, color=PLAIN)
    wrapped = "\n".join(textwrap.wrap(report.summary, 105))
    figure.text(0.06, 0.92, wrapped, fontsize=9, va="top", color="#212121")


def _kpi_table(figure, report: WeeklyReport) -> None:
    top = 0.84
    figure.text(0.06, top, "KPI", fontsize=9, weight="bold")
    figure.text(0.36, top, "this week", fontsize=9, weight="bold")
    figure.text(0.50, top, "week before", fontsize=9, weight="bold")
    figure.text(0.64, top, "change", fontsize=9, weight="bold")
    for row, card in enumerate(report.cards, start=1):
        y = top - row * 0.018
        figure.text(0.06, y, card.label, fontsize=9)
        figure.text(0.36, y, card.shown(), fontsize=9)
        figure.text(0.50, y, card.shown(card.previous), fontsize=9, color=PLAIN)
        colour = PLAIN if card.good is None else (GOOD if card.good else BAD)
        figure.text(0.64, y, change_text(card) or "–", fontsize=9, color=colour)


def _health(figure, report: WeeklyReport) -> None:
    figure.text(0.80, 0.84, "Health score", fontsize=9, weight="bold")
    figure.text(0.80, 0.80, f"{report.health}", fontsize=28, weight="bold")
    figure.text(0.885, 0.805, "/ 100", fontsize=9, color=PLAIN)
    for row, part in enumerate(report.health_parts):
        figure.text(0.80, 0.775 - row * 0.016, f"{part.name}: {part.points:+.1f}", fontsize=8)


def _sparklines(figure, report: WeeklyReport) -> None:
    figure.text(0.06, 0.62, "The last 12 weeks", fontsize=10, weight="bold")
    for index, key in enumerate(SPARKLINES):
        card = report.card(key)
        axes = figure.add_axes((0.06 + index * 0.23, 0.50, 0.19, 0.09))
        values = [v if v is not None else float("nan") for v in card.history]
        axes.plot(range(len(values)), values, color="#1565c0", linewidth=1.5)
        axes.plot([len(values) - 1], [values[-1]], "o", color="#1565c0", markersize=3)
        axes.set_title(card.label, fontsize=8)
        axes.tick_params(labelsize=6)
        axes.set_xticks([])
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)


KIND_NAMES = {
    "question": "questions",
    "bug_report": "bug reports",
    "feature_request": "feature requests",
    "complaint": "complaints",
    "praise": "praise",
    "other": "other",
}


def _kinds(figure, report: WeeklyReport) -> None:
    """Messages of each kind against the week before, open questions, top bug reports."""
    top = 0.28
    figure.text(0.06, top, "Kinds of message", fontsize=10, weight="bold")
    for row, kind in enumerate(report.kinds.itertuples(), start=1):
        figure.text(
            0.06,
            top - row * 0.016,
            f"{KIND_NAMES.get(kind.kind, kind.kind)}: {kind.messages:,} "
            f"(week before {kind.previous:,})",
            fontsize=8,
        )
    figure.text(0.52, top, "Open questions and top bug reports", fontsize=10, weight="bold")
    lines = [f"{report.open_question_count:,} question(s) no one else has replied to"]
    lines += [
        f"- bug ({row.replies} repl{'y' if row.replies == 1 else 'ies'}): {row.text}"
        for row in report.bug_reports.head(4).itertuples()
    ]
    for row, line in enumerate(lines, start=1):
        figure.text(0.52, top - row * 0.016, textwrap.shorten(line, 62), fontsize=8)


def _topics_and_incidents(figure, report: WeeklyReport) -> None:
    figure.text(0.06, 0.44, "Top topics", fontsize=10, weight="bold")
    for row, topic in enumerate(report.topics.head(5).itertuples(), start=1):
        figure.text(
            0.06,
            0.44 - row * 0.018,
            f"{topic.topic}: {topic.messages:,} message{'' if topic.messages == 1 else 's'}",
            fontsize=9,
        )
    if report.rising is not None:
        name, growth = report.rising
        figure.text(0.06, 0.32, f"Rising fastest: {name} (x{growth:.1f})", fontsize=9)
    counts = report.incidents["counts"]
    figure.text(0.52, 0.44, "Incidents", fontsize=10, weight="bold")
    lines = [
        f"critical: {counts['critical']}, warning: {counts['warning']}, info: {counts['info']}",
        f"time with an alert firing: {report.incidents['firing_hours']:.1f} h",
        *[f"- {name}" for name in sorted(set(report.incidents["critical"]))[:6]],
    ]
    for row, line in enumerate(lines, start=1):
        figure.text(0.52, 0.44 - row * 0.018, textwrap.shorten(line, 60), fontsize=9)
    figure.text(
        0.06,
        0.04,
        "Definitions: docs/kpis.md. Members are people, bots left out; sentiment is VADER's, of "
        "the messages it scores.",
        fontsize=7,
        color=PLAIN,
    )
