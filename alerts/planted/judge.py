"""The default rules run over planted traffic, and what they caught.

The traffic becomes the `MetricData` the worker would read from the database (messages,
topic links, hourly rollups by channel and topic), and each rule is backtested over the
weeks after the warm-up: the same scores and state machine as the live cycle. A crisis
is caught when its own rule starts firing (on its scope) between the crisis's start and
GRACE_MINUTES after its end; the delay is from its start. Any other episode is a false
crisis, except one that starts while a crisis is going on (or shortly after: the
EXPLAINED_MINUTES a real crisis may echo in neighbouring rules); an activity drop over a
silent source is always false.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alerts.backtest import backtest
from alerts.calibrate import calibratable, calibrate
from alerts.planted.incidents import WARM_UP_DAYS, Incident
from alerts.planted.traffic import START, Traffic
from alerts.rules import FORECAST_METRICS, Rule
from alerts.windows import HOURLY_COLUMNS, MetricData

GRACE_MINUTES = 60
EXPLAINED_MINUTES = 180
EPOCH_MINUTE = int(START.timestamp() // 60)


@dataclass(frozen=True)
class Alarm:
    rule: str
    scope: str
    start: int  # minutes since the timeline's start
    end: int | None


@dataclass(frozen=True)
class Verdict:
    """One planted timeline judged: each incident with the delay of its catch (None:
    missed, or for a harmless event: whether anything fired over it), and false alarms."""

    # incident, delay, the rules that fired falsely over it
    incidents: list[tuple[Incident, int | None, list[str]]]
    false_alarms: list[Alarm]
    weeks: float


def metric_data(traffic: Traffic) -> MetricData:
    """What the worker would read for this traffic, minutes and hours since the epoch."""
    messages = traffic.messages
    read_log = traffic.read_log
    channel_keys = list(zip(messages["source_id"], messages["channel"], strict=True))
    channel_id, channels = pd.factorize(pd.Series(channel_keys))
    member_id, _ = pd.factorize(
        pd.Series(list(zip(messages["source_id"], messages["author"], strict=True)))
    )
    rows = pd.DataFrame(
        {
            "minute": messages["minute"].to_numpy() + EPOCH_MINUTE,
            "channel_id": channel_id + 1,
            "member_id": member_id + 1,
            "sentiment": read_log.sentiment[messages["row"].to_numpy()],
            "is_bot": messages["is_bot"].to_numpy(dtype=bool),
        }
    )
    topics = [read_log.topics_of_row[r] for r in messages["row"]]
    links = rows.assign(topic_id=topics).explode("topic_id").dropna(subset=["topic_id"])
    links = links.astype({"topic_id": "int64"})
    return MetricData(
        first=int(rows["minute"].min()),
        end=int(rows["minute"].max()) + 1,
        messages=rows,
        topic_links=links,
        channel_hours=_hourly(rows, "channel_id"),
        topic_hours=_hourly(links, "topic_id"),
        platforms={i + 1: "chat" for i in range(len(channels))},
        topic_names=dict(read_log.topic_names),
        channel_names={i + 1: f"{s}/{c}" for i, (s, c) in enumerate(channels)},
        channel_sources={i + 1: int(s) for i, (s, _) in enumerate(channels)},
    )


def _hourly(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """The hourly rollup the database keeps, per `key` (the same columns, same rules:
    authors are human members, negative is a score at most -0.05)."""
    frame = rows.assign(
        hour=rows["minute"] // 60,
        scored=rows["sentiment"].notna(),
        negative=rows["sentiment"] <= -0.05,
        author=rows["member_id"].where(~rows["is_bot"]),
    )
    grouped = frame.groupby(["hour", key])
    hourly = pd.DataFrame(
        {
            "messages": grouped.size(),
            "active_authors": grouped["author"].nunique(),
            "sentiment_count": grouped["scored"].sum(),
            "negative_count": grouped["negative"].sum(),
        }
    ).reset_index()
    return hourly[["hour", key, *HOURLY_COLUMNS[1:]]]


def alarms(rules: list[Rule], data: MetricData, start: int, end: int) -> list[Alarm]:
    """Every episode of `rules` over the timeline's minutes [start, end)."""
    found = []
    for rule in rules:
        if rule.metric in FORECAST_METRICS:  # forecasts are not made in the benchmark
            continue
        first, last = start + EPOCH_MINUTE, end + EPOCH_MINUTE
        for scope in backtest(rule, data, first, last):
            for episode in scope.episodes:
                stop = None if episode.end is None else episode.end - EPOCH_MINUTE
                found.append(Alarm(rule.name, scope.key, episode.start - EPOCH_MINUTE, stop))
    return found


def calibrated(rules: list[Rule], data: MetricData, per_week: float = 1.0) -> list[Rule]:
    """The rules calibrated as the worker would, on the week before the incidents (days
    7 to 14 of the timeline: nothing is planted there but the weekly peak)."""
    start, end = EPOCH_MINUTE + 7 * 1440, EPOCH_MINUTE + WARM_UP_DAYS * 1440
    return [
        calibrate(rule, backtest(rule, data, start, end), 7, per_week).rule
        if calibratable(rule)
        else rule
        for rule in rules
    ]


def judge(
    traffic: Traffic, incidents: list[Incident], rules: list[Rule], calibrate_first: bool = False
) -> Verdict:
    data = metric_data(traffic)
    if calibrate_first:
        rules = calibrated(rules, data)
    start, end = WARM_UP_DAYS * 1440, traffic.hours * 60
    found = alarms(rules, data, start, end)
    crises = [i for i in incidents if i.must_fire]
    false = [a for a in found if not any(_explains(i, a) for i in crises)]
    judged = [(i, _delay(i, found), _fired_over(i, false)) for i in incidents]
    return Verdict(judged, false, (end - start) / (7 * 1440))


def _catches(incident: Incident, alarm: Alarm) -> bool:
    if alarm.rule != incident.rule:
        return False
    if incident.topic_id is not None and alarm.scope != f"topic:{incident.topic_id}":
        return False
    return incident.start <= alarm.start <= incident.end + GRACE_MINUTES


def _delay(incident: Incident, found: list[Alarm]) -> int | None:
    if not incident.must_fire:
        return None
    starts = [a.start for a in found if _catches(incident, a)]
    return min(starts) - incident.start if starts else None


def _fired_over(incident: Incident, false: list[Alarm]) -> list[str]:
    """The rules whose false alarms started during the incident (or its grace after)."""
    return [a.rule for a in false if incident.start <= a.start <= incident.end + GRACE_MINUTES]


def _explains(incident: Incident, alarm: Alarm) -> bool:
    if incident.kind == "source_silent" and alarm.rule == "Activity drop":
        return False  # a data problem must not read as a drop in activity
    return incident.start <= alarm.start <= incident.end + EXPLAINED_MINUTES


def median(values: list[int]) -> float | None:
    return float(np.median(values)) if values else None


@dataclass
class Figures:
    """Verdicts added up: per crisis kind its delays and misses, false alarms per rule,
    the harmless events that set something off, and the community-weeks judged."""

    delays: dict[str, list[int]] = field(default_factory=dict)
    missed: dict[str, int] = field(default_factory=dict)
    false_by_rule: dict[str, int] = field(default_factory=dict)
    harmless: dict[str, list[int]] = field(default_factory=dict)  # kind -> [fired, planted]
    weeks: float = 0.0

    def add(self, verdict: Verdict) -> None:
        self.weeks += verdict.weeks
        for incident, delay, fired in verdict.incidents:
            if incident.must_fire and delay is None:
                self.missed[incident.kind] = self.missed.get(incident.kind, 0) + 1
            elif incident.must_fire:
                self.delays.setdefault(incident.kind, []).append(delay)
            else:
                seen = self.harmless.setdefault(incident.kind, [0, 0])
                seen[0] += int(bool(fired))
                seen[1] += 1
        for alarm in verdict.false_alarms:
            self.false_by_rule[alarm.rule] = self.false_by_rule.get(alarm.rule, 0) + 1

    def recall(self, kind: str | None = None) -> float:
        kinds = [kind] if kind else [*self.delays, *self.missed]
        caught = sum(len(self.delays.get(k, [])) for k in set(kinds))
        total = caught + sum(self.missed.get(k, 0) for k in set(kinds))
        return caught / total if total else float("nan")

    def false_per_week(self, rule: str | None = None) -> float:
        count = self.false_by_rule.get(rule, 0) if rule else sum(self.false_by_rule.values())
        return count / self.weeks if self.weeks else float("nan")
