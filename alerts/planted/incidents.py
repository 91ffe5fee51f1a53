"""Incidents drawn at random (seeded) from ranges, and planted into background traffic.

Five must fire, each on its own rule: a volume surge, a topic-share surge at flat volume,
a negative-sentiment shift at flat volume, an activity drop, one source going silent
(an ingestion gap: a data problem, not a crisis). Four must not: the usual weekly peak
(the same weekday and hour every week), a slow drift up over days, a holiday-like quiet
day, one noisy member. The ranges below are the benchmark's whole definition; nothing
is placed by hand. Times are minutes since the timeline's start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alerts.planted.traffic import (
    WEEK_HOURS,
    ReadLog,
    Traffic,
    carrying,
    generate,
    usual_hours,
)

WEEKS = 5
WARM_UP_DAYS = 14  # history before the first incident: two of every weekday
SLOT_DAYS = 2  # incidents start on distinct days at least this far apart
CRISES = {  # kind -> the default rule that must catch it
    "volume_surge": "Volume surge",
    "share_surge": "Topic share surge",
    "negative_shift": "Negative-sentiment surge",
    "activity_drop": "Activity drop",
    "source_silent": "Source silent",
}
HARMLESS = ("weekly_peak", "slow_drift", "quiet_day", "noisy_member")

SURGE_FACTOR, SURGE_MINUTES, SURGE_LEAST_PER_HOUR = (3.0, 6.0), (60, 180), 40
LEAST_MESSAGES = 30  # a crisis moves at least this many messages: a quiet community's
# incident lasts longer (up to its range's longest) until it does
SHARE_FACTOR, SHARE_HOURS = (2.0, 3.0), (6, 24)
NEGATIVE_RISE, NEGATIVE_HOURS = (0.25, 0.45), (2, 8)  # added to the negative share
DROP_KEEPS, DROP_HOURS = (0.05, 0.15), (2, 8)
SILENT_HOURS = (3, 24)
PEAK_FACTOR, PEAK_HOURS = (1.5, 2.5), 2
DRIFT_RISE, DRIFT_DAYS = (0.3, 0.6), (4, 8)
QUIET_KEEPS = (0.35, 0.6)
NOISY_MESSAGES, NOISY_MINUTES = (40, 100), (60, 120)


@dataclass(frozen=True)
class Incident:
    kind: str
    start: int
    end: int
    detail: str
    topic_id: int | None = None
    source_id: int | None = None

    @property
    def must_fire(self) -> bool:
        return self.kind in CRISES

    @property
    def rule(self) -> str | None:
        return CRISES.get(self.kind)


def scenario(
    read_log: ReadLog, daily_messages: float, seed: int, weeks: int = WEEKS
) -> tuple[Traffic, list[Incident]]:
    """A community of `daily_messages` a day over `weeks` weeks with every incident kind
    planted once (the weekly peak every week), at random days after the warm-up."""
    rng = np.random.default_rng(seed)
    usual = usual_hours(read_log.log, daily_messages, weeks)
    slots = WARM_UP_DAYS + SLOT_DAYS * rng.permutation((weeks * 7 - WARM_UP_DAYS) // SLOT_DAYS)
    day_of = dict(zip([*CRISES, "slow_drift", "quiet_day", "noisy_member"], slots, strict=False))
    usual, incidents = _with_weekly_peak(usual, rng)
    usual, drift = _with_drift(usual, int(day_of["slow_drift"]), rng)
    traffic = generate(read_log, usual, rng)
    incidents.append(drift)
    for kind in [*CRISES, "quiet_day", "noisy_member"]:
        traffic, incident = PLANTERS[kind](traffic, int(day_of[kind]), rng)
        incidents.append(incident)
    return traffic, sorted(incidents, key=lambda i: i.start)


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds))


def _busy_start(traffic: Traffic, day: int, rng: np.random.Generator) -> int:
    """A minute of `day`, at an hour drawn in proportion to its usual traffic: incidents
    happen when people are there."""
    usual = traffic.usual[day * 24 : day * 24 + 24]
    hour = day * 24 + int(rng.choice(24, p=usual / usual.sum()))
    return hour * 60 + int(rng.integers(0, 60))


def _lasting(traffic: Traffic, start: int, bounds, moved: float, rng) -> int:
    """Hours drawn in `bounds`, lengthened (up to the longest) until the share `moved` of
    the usual messages from `start` on reaches LEAST_MESSAGES."""
    hours = int(rng.integers(bounds[0], bounds[1] + 1))
    usual = np.cumsum(traffic.usual[start // 60 :])
    while hours < bounds[1] and moved * usual[min(hours, len(usual)) - 1] < LEAST_MESSAGES:
        hours += 1
    return hours


def _inside(messages: pd.DataFrame, start: int, end: int) -> np.ndarray:
    minute = messages["minute"].to_numpy()
    return (minute >= start) & (minute < end)


def _with_weekly_peak(usual: np.ndarray, rng: np.random.Generator):
    """A regular event: the same two hours of the same weekday, every week, busier."""
    factor = _uniform(rng, PEAK_FACTOR)
    hour_of_week = int(rng.integers(0, WEEK_HOURS - PEAK_HOURS))
    usual = usual.copy()
    incidents = []
    for week_start in range(0, len(usual), WEEK_HOURS):
        first = week_start + hour_of_week
        usual[first : first + PEAK_HOURS] *= factor
        if first >= WARM_UP_DAYS * 24:
            detail = f"weekly peak ×{factor:.1f} for {PEAK_HOURS} h"
            incidents.append(Incident("weekly_peak", first * 60, (first + PEAK_HOURS) * 60, detail))
    return usual, incidents


def _with_drift(usual: np.ndarray, day: int, rng: np.random.Generator):
    """Volume rises linearly by a share over some days from `day`, then stays there."""
    rise, days = _uniform(rng, DRIFT_RISE), int(rng.integers(DRIFT_DAYS[0], DRIFT_DAYS[1] + 1))
    hours = np.arange(len(usual)) - day * 24
    factor = 1 + rise * np.clip(hours / (days * 24), 0, 1)
    detail = f"+{rise:.0%} over {days} days"
    return usual * factor, Incident("slow_drift", day * 1440, (day + days) * 1440, detail)


def _volume_surge(traffic: Traffic, day: int, rng: np.random.Generator):
    start = _busy_start(traffic, day, rng)
    minutes = int(rng.integers(SURGE_MINUTES[0], SURGE_MINUTES[1] + 1))
    factor = _uniform(rng, SURGE_FACTOR)
    per_hour = max((factor - 1) * traffic.usual[start // 60], SURGE_LEAST_PER_HOUR)
    extra = rng.poisson(per_hour * minutes / 60)
    at = np.sort(start + rng.integers(0, minutes, extra))
    added = pd.concat([traffic.messages, carrying(traffic.read_log, at, rng)])
    detail = (
        f"+{extra} messages in {minutes} min (×{factor:.1f} the usual, ≥{SURGE_LEAST_PER_HOUR}/h)"
    )
    return traffic.with_messages(added), Incident("volume_surge", start, start + minutes, detail)


def _share_surge(traffic: Traffic, day: int, rng: np.random.Generator):
    """A topic's share multiplies while the volume stays: messages of other topics give
    way to messages of this one (its rows in the log)."""
    start = _busy_start(traffic, day, rng)
    topic_id, share = _usual_topic(traffic, start, rng)
    factor = _uniform(rng, SHARE_FACTOR)
    hours = _lasting(traffic, start, SHARE_HOURS, (factor - 1) * share, rng)
    end = start + hours * 60
    messages = traffic.messages
    topics = traffic.read_log.topics_of_row
    inside = _inside(messages, start, end)
    others = np.flatnonzero(inside & ~np.array([topic_id in topics[r] for r in messages["row"]]))
    wanted = int(round((factor - 1) * share * inside.sum()))
    chosen = rng.choice(others, size=min(wanted, len(others)), replace=False)
    rows = traffic.read_log.rows_of_topic(topic_id)
    messages = messages.copy()
    messages.loc[chosen, "row"] = rng.choice(rows, size=len(chosen))
    name = traffic.read_log.topic_names[topic_id]
    detail = f"'{name}' ×{factor:.1f} of its {share:.1%} share for {hours} h (+{len(chosen)})"
    return traffic.with_messages(messages), Incident(
        "share_surge", start, end, detail, topic_id=topic_id
    )


def _usual_topic(traffic: Traffic, before: int, rng: np.random.Generator) -> tuple[int, float]:
    """A topic drawn at random, and its share of messages over the week before."""
    week = traffic.messages[_inside(traffic.messages, before - 7 * 1440, before)]
    topics = traffic.read_log.topics_of_row
    topic_id = int(rng.choice(sorted(traffic.read_log.topic_names)))
    share = float(np.mean([topic_id in topics[r] for r in week["row"]])) if len(week) else 0.0
    return topic_id, share


def _negative_shift(traffic: Traffic, day: int, rng: np.random.Generator):
    """The negative share rises by a drawn amount at flat volume: other messages give way
    to negative ones (the log's negative rows)."""
    start = _busy_start(traffic, day, rng)
    rise = _uniform(rng, NEGATIVE_RISE)
    hours = _lasting(traffic, start, NEGATIVE_HOURS, rise, rng)
    end = start + hours * 60
    messages = traffic.messages.copy()
    sentiment = traffic.read_log.sentiment[messages["row"].to_numpy()]
    inside = _inside(messages, start, end)
    others = np.flatnonzero(inside & ~(sentiment <= -0.05))
    chosen = rng.choice(
        others, size=min(int(round(rise * inside.sum())), len(others)), replace=False
    )
    messages.loc[chosen, "row"] = rng.choice(traffic.read_log.negative_rows(), size=len(chosen))
    detail = f"negative share +{rise:.0%} for {hours} h ({len(chosen)} messages)"
    return traffic.with_messages(messages), Incident("negative_shift", start, end, detail)


def _thinned(traffic: Traffic, start: int, end: int, keeps: float, rng, source=None):
    messages = traffic.messages
    dropped = _inside(messages, start, end) & (rng.random(len(messages)) >= keeps)
    if source is not None:
        dropped &= messages["source_id"].to_numpy() == source
    return traffic.with_messages(messages[~dropped])


def _activity_drop(traffic: Traffic, day: int, rng: np.random.Generator):
    start = _busy_start(traffic, day, rng)
    keeps = _uniform(rng, DROP_KEEPS)
    hours = _lasting(traffic, start, DROP_HOURS, 1 - keeps, rng)
    detail = f"volume to {keeps:.0%} for {hours} h"
    end = start + hours * 60
    return _thinned(traffic, start, end, keeps, rng), Incident("activity_drop", start, end, detail)


def _source_silent(traffic: Traffic, day: int, rng: np.random.Generator):
    start = _busy_start(traffic, day, rng)
    hours = int(rng.integers(SILENT_HOURS[0], SILENT_HOURS[1] + 1))
    source = int(rng.integers(1, 3))
    detail = f"source {source} delivers nothing for {hours} h"
    end = start + hours * 60
    silenced = _thinned(traffic, start, end, 0.0, rng, source=source)
    return silenced, Incident("source_silent", start, end, detail, source_id=source)


def _quiet_day(traffic: Traffic, day: int, rng: np.random.Generator):
    keeps = _uniform(rng, QUIET_KEEPS)
    start, end = day * 1440, (day + 1) * 1440
    quiet = _thinned(traffic, start, end, keeps, rng)
    return quiet, Incident("quiet_day", start, end, f"a holiday at {keeps:.0%} of the usual")


def _noisy_member(traffic: Traffic, day: int, rng: np.random.Generator):
    """One member floods: many messages in a short time, nobody else joins in."""
    start = _busy_start(traffic, day, rng)
    count = int(rng.integers(NOISY_MESSAGES[0], NOISY_MESSAGES[1] + 1))
    minutes = int(rng.integers(NOISY_MINUTES[0], NOISY_MINUTES[1] + 1))
    flood = carrying(traffic.read_log, np.sort(start + rng.integers(0, minutes, count)), rng)
    channel = flood["channel"].iloc[0] if len(flood) else ""
    flood = flood.assign(author="one noisy member", channel=channel, is_bot=False, source_id=1)
    added = pd.concat([traffic.messages, flood])
    detail = f"one member writes {count} messages in {minutes} min"
    return traffic.with_messages(added), Incident("noisy_member", start, start + minutes, detail)


PLANTERS = {
    "volume_surge": _volume_surge,
    "share_surge": _share_surge,
    "negative_shift": _negative_shift,
    "activity_drop": _activity_drop,
    "source_silent": _source_silent,
    "quiet_day": _quiet_day,
    "noisy_member": _noisy_member,
}
