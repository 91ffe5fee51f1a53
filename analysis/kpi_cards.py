"""KPI cards (value, change, 12-week history), the health score with its components, and
the written summary of a week. Pure: figures in, values and sentences out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median

from analysis.kpis import WeekFigures

# key: (label, kind, which way is good, definition)
DEFINITIONS = {
    "active": (
        "Active members",
        "count",
        "up",
        "People (not bots) who posted or reacted at least once.",
    ),
    "new": (
        "New members",
        "count",
        "up",
        "People first seen this week: their first message, reaction or join ever.",
    ),
    "returning": (
        "Returning members",
        "count",
        "up",
        "Active this week and the week before.",
    ),
    "churned": (
        "Churned members",
        "count",
        "down",
        "Active the week before, silent this week: read from their messages, so they may "
        "still be members (see Members who left).",
    ),
    "left": (
        "Members who left",
        "count",
        "down",
        "People who left a channel, group or server, where the platform records it "
        "(Slack, Discord, Telegram exports); churned members only went quiet. Zero where "
        "the export records no leaves.",
    ),
    "messages": ("Messages", "count", "up", "Every message, bots included."),
    "threads": (
        "Threads started",
        "count",
        "up",
        "Top-level messages (not replies) that got at least one reply.",
    ),
    "response_rate": (
        "Response rate",
        "share",
        "up",
        "Of the questions (top-level messages with a '?') and threads started, the share "
        "answered by someone other than the asker.",
    ),
    "median_response_minutes": (
        "Median first response",
        "minutes",
        "down",
        "From the message to its first reply by someone else, over the answered ones.",
    ),
    "avg_sentiment": (
        "Average sentiment",
        "sentiment",
        "up",
        "Mean VADER compound score (-1 to +1) of the scored messages.",
    ),
    "negative_share": (
        "Negative share",
        "share",
        "down",
        "Share of scored messages with a compound score of -0.05 or less.",
    ),
}
HISTORY_WEEKS = 12


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | None
    previous: float | None
    history: tuple[float | None, ...]  # the 12 weeks ending with this one, oldest first
    kind: str  # count, share, minutes, sentiment
    better: str  # up or down
    definition: str

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        if self.change is None or not self.previous:
            return None
        return self.change / self.previous

    @property
    def good(self) -> bool | None:
        """Whether the change is good news (None when unchanged or unknown)."""
        if not self.change:
            return None
        return (self.change > 0) == (self.better == "up")

    def shown(self, value: float | None = None) -> str:
        value = self.value if value is None else value
        return format_value(value, self.kind)


def format_value(value: float | None, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "minutes":
        return f"{value:.0f} min" if value < 120 else f"{value / 60:.1f} h"
    if kind == "sentiment":
        return f"{value:+.3f}"
    return f"{value:,.0f}"


def change_text(card) -> str | None:
    """'+4,984 (+1285%)', '-2.3 pts (-5%)': ASCII signs, which st.metric reads for its arrow;
    None (no delta shown) when unchanged or unknown."""
    if not card.change:
        return None
    size = abs(card.change)
    if card.kind == "share":
        shown = f"{size * 100:.1f} pts"
    elif card.kind == "sentiment":
        shown = f"{size:.3f}"
    else:
        shown = format_value(size, card.kind)
    if not any(digit in "123456789" for digit in shown):
        return None  # a change too small to show ("-0 min") is no change on the page
    sign = "+" if card.change > 0 else "-" if card.change < 0 else ""
    pct = f" ({_percent_change(card.change_pct)})" if card.change_pct is not None else ""
    return f"{sign}{shown}{pct}"


def _percent_change(share: float) -> str:
    """'+12%', or with one decimal under 1% ('-0.1%', not '-0%'); '<0.1%' below that."""
    if abs(share) >= 0.01 - 5e-7:
        return f"{share:+.0%}"
    if abs(share) >= 0.0005:
        return f"{share:+.1%}"
    return "<0.1%"


def kpi_cards(figures: list[WeekFigures]) -> list[Kpi]:
    """One card per KPI for the last week of `figures` (oldest first, at least two)."""
    this, before = figures[-1], figures[-2]
    recent = figures[-HISTORY_WEEKS:]
    # weeks before the community's first message have no figures, not figures of zero
    began = next((i for i, week in enumerate(recent) if week.messages), len(recent))
    cards = []
    for key, (label, kind, better, definition) in DEFINITIONS.items():
        history = tuple(None if i < began else getattr(f, key) for i, f in enumerate(recent))
        cards.append(
            Kpi(
                key,
                label,
                getattr(this, key),
                getattr(before, key),
                history,
                kind,
                better,
                definition,
            )
        )
    return cards


@dataclass(frozen=True)
class HealthComponent:
    name: str
    points: float
    out_of: float
    how: str


def health_score(
    figures: list[WeekFigures], incident_counts: dict
) -> tuple[int | None, list[HealthComponent]]:
    """0-100: four components of 25 points and a deduction for incidents, each shown. A
    part without evidence gets Activity's share of its points. None when no week of
    `figures` holds a message (nothing to measure Activity against)."""
    if not any(week.messages for week in figures):
        return None, []
    this = figures[-1]
    earlier = [f.active for f in figures[:-1] if f.active]
    usual = median(earlier) if earlier else None
    previous_active = figures[-2].active if len(figures) > 1 else 0
    activity = min(1.0, this.active / usual) if usual else 1.0
    # a part with nothing to judge (no week before, nothing asked, nothing scored) gets as
    # large a share of its 25 as Activity: full in a usual week, none in a silent one
    unjudged = 25 * activity
    parts = [
        HealthComponent(
            "Activity",
            25 * activity,
            25,
            "25 × active members ÷ the median of the weeks before (at most 25)",
        ),
        HealthComponent(
            "Retention",
            25 * this.returning / previous_active
            if previous_active and this.returning is not None
            else unjudged,
            25,
            "25 × returning members ÷ last week's active members",
        ),
        HealthComponent(
            "Responsiveness",
            25 * this.response_rate if this.response_rate is not None else unjudged,
            25,
            "25 × response rate",
        ),
        HealthComponent(
            "Mood",
            25 * min(1.0, max(0.0, 1 - this.negative_share / 0.4))
            if this.negative_share is not None
            else unjudged,
            25,
            "25 × (1 − negative share ÷ 40%), at least 0",
        ),
    ]
    deduction = min(
        20, 5 * incident_counts.get("critical", 0) + 2 * incident_counts.get("warning", 0)
    )
    parts.append(
        HealthComponent(
            "Incidents", -deduction, 0, "−5 per critical and −2 per warning episode, at most −20"
        )
    )
    score = round(max(0.0, min(100.0, sum(p.points for p in parts))))
    return score, parts


def _change_words(card: Kpi) -> str:
    """'active members rose 12% to 1,204', 'negative share fell from 9% to 6%', ..."""
    name = card.label.lower()
    if card.value is None:
        return f"{name} unknown"
    if card.change is None:
        return f"{name} {card.shown()}"
    if card.kind == "share":
        if abs(card.change) < 0.005:
            return f"{name} held at {card.shown()}"
        verb = "rose" if card.change > 0 else "fell"
        return f"{name} {verb} from {card.shown(card.previous)} to {card.shown()}"
    if card.change == 0 or (card.change_pct is not None and abs(card.change_pct) < 0.005):
        return f"{name} held at {card.shown()}"
    verb = "rose" if card.change > 0 else "fell"
    if card.change_pct is None:  # from zero
        return f"{name} {verb} from {card.shown(card.previous)} to {card.shown()}"
    return f"{name} {verb} {abs(card.change_pct):.0%} to {card.shown()}"


def summary(cards: list[Kpi], incidents: dict, top_topic: tuple[str, int] | None) -> str:
    """A few sentences written from the numbers, the same every time for the same data."""
    by_key = {c.key: c for c in cards}
    messages = by_key["messages"]
    if messages.value == 0:  # not "active members held at 0; messages held at 0"
        before = f" ({messages.previous:,.0f} the week before)" if messages.previous else ""
        sentences = [f"No messages this week{before}."]
    else:
        kinds = ("active", "messages", "negative_share")
        first = "; ".join(_change_words(by_key[k]) for k in kinds)
        sentences = [first[0].upper() + first[1:] + "."]
    rate, wait = by_key["response_rate"], by_key["median_response_minutes"]
    if rate.value is not None:
        waited = (
            f", the first answer after {wait.shown()} (median)" if wait.value is not None else ""
        )
        sentences.append(f"{rate.shown()} of questions and threads were answered{waited}.")
    critical = [f"{rule} on {scope}" for rule, scope in incidents["critical"]]
    if critical:
        listed = "; ".join(each_once(critical))
        plural = "incident" if len(critical) == 1 else "incidents"
        sentences.append(f"{len(critical)} critical {plural}: {listed}.")
    else:
        sentences.append("No critical incidents.")
    if top_topic is not None:
        count = f"{top_topic[1]:,} message{'' if top_topic[1] == 1 else 's'}"
        sentences.append(f"Most discussed topic: {top_topic[0]} ({count}).")
    return " ".join(sentences)


def each_once(incidents: list[str], space: str = " ") -> list[str]:
    """The incidents named once each, sorted, "×3" after one that happened 3 times: "4
    critical incidents: A ×3; B", not "4 critical incidents: A; B" (Chinese puts no
    space before it)."""
    counts = Counter(incidents)
    return [name if n == 1 else f"{name}{space}×{n}" for name, n in sorted(counts.items())]


# The summary in Chinese: written with Chinese word order, measure words and punctuation,
# not glued from the English one.
ZH_NAMES = {"active": "活跃成员", "messages": "消息", "negative_share": "负面占比"}
ZH_UNITS = {"active": " 人", "messages": " 条"}


def zh_value(card: Kpi, value: float | None = None) -> str:
    value = card.value if value is None else value
    if value is None:
        return "未知"
    if card.kind == "share":
        return f"{value:.0%}"
    if card.kind == "minutes":
        return f"{value:.0f} 分钟" if value < 120 else f"{value / 60:.1f} 小时"
    if card.kind == "sentiment":
        return f"{value:+.3f}"
    return f"{value:,.0f}{ZH_UNITS.get(card.key, '')}"


def _zh_change(card: Kpi) -> str:
    """'活跃成员持平，为 3 人', '消息增长 25%，达到 5 条', '负面占比从 0% 升至 20%'."""
    name = ZH_NAMES[card.key]
    if card.value is None:
        return f"{name}未知"
    if card.change is None:
        return f"{name}为 {zh_value(card)}"
    held = (
        abs(card.change) < 0.005
        if card.kind == "share"
        else card.change == 0 or (card.change_pct is not None and abs(card.change_pct) < 0.005)
    )
    if held:
        return f"{name}持平，为 {zh_value(card)}"
    if card.kind == "share" or card.change_pct is None:
        verb = "升至" if card.change > 0 else "降至"
        return f"{name}从 {zh_value(card, card.previous)} {verb} {zh_value(card)}"
    verb, to = ("增长", "达到") if card.change > 0 else ("下降", "降至")
    return f"{name}{verb} {abs(card.change_pct):.0%}，{to} {zh_value(card)}"


def summary_zh(
    cards: list[Kpi],
    incidents: dict,
    top_topic: tuple[str, int] | None,
    critical_zh: list[str] | None = None,
) -> str:
    """The summary's sentences in Chinese, from the same numbers as `summary`; the critical
    incidents as `critical_zh` words them (the rules' names in Chinese), else as stored."""
    by_key = {c.key: c for c in cards}
    messages = by_key["messages"]
    if messages.value == 0:
        before = f"（上周 {messages.previous:,.0f} 条）" if messages.previous else ""
        sentences = [f"本周没有消息{before}。"]
    else:
        kinds = ("active", "messages", "negative_share")
        sentences = ["；".join(_zh_change(by_key[k]) for k in kinds) + "。"]
    rate, wait = by_key["response_rate"], by_key["median_response_minutes"]
    if rate.value is not None:
        waited = f"，首次回复的中位时间为 {zh_value(wait)}" if wait.value is not None else ""
        sentences.append(f"问题和讨论串中有 {rate.value:.0%} 得到了回复{waited}。")
    critical = critical_zh
    if critical is None:
        critical = [f"{rule} on {scope}" for rule, scope in incidents["critical"]]
    if critical:
        listed = "；".join(each_once(critical, space=""))
        sentences.append(f"严重事件 {len(critical)} 起：{listed}。")
    else:
        sentences.append("没有严重事件。")
    if top_topic is not None:
        sentences.append(f"讨论最多的话题：{top_topic[0]}（{top_topic[1]:,} 条消息）。")
    return "".join(sentences)
