"""A seeded synthetic community, for the demo, the tests and the benchmarks.

Three platforms with their channels, members with heavy-tailed activity,
a daily and weekly rhythm, nine topics with their own wording, a few
messages in other languages, a bot per platform, and scripted incidents.
Every hour of every source is generated from its own seed, so any window
of time comes out the same however it is asked for, which lets the worker
append "now" in the demo without ever writing a message twice.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from ingest.records import RawMessage
from ingest.simulate_text import CHATTER, FOREIGN, TOPIC_TEXT, fill

HOUR = timedelta(hours=1)
TOPIC_SHARE = 0.55  # share of messages that are about one of the topics
FOREIGN_SHARE = 0.03
BOT_SHARE = 0.01
REPLY_SHARE = 0.3


@dataclass(frozen=True)
class SourceSpec:
    name: str
    platform: str
    channels: tuple[str, ...]
    share: float  # of the community's messages


DEMO_SOURCES = (
    SourceSpec("demo-discord", "discord", ("general", "help", "announcements", "off-topic"), 0.5),
    SourceSpec("demo-slack", "slack", ("dev", "support"), 0.3),
    SourceSpec("demo-forum", "discourse", ("questions", "feedback"), 0.2),
)


@dataclass(frozen=True)
class Incident:
    """A scripted event: `topic_spike` floods one topic with negative messages,
    `burst` floods the whole community with one topic (an outage), `quiet`
    scales all activity down by `factor`."""

    kind: str
    start: datetime
    hours: float
    factor: float
    topic: str | None = None

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.start + timedelta(hours=self.hours)


@dataclass(frozen=True)
class CommunitySpec:
    seed: int = 7
    messages_per_hour: float = 60.0
    members_per_source: int = 300
    sources: tuple[SourceSpec, ...] = DEMO_SOURCES
    incidents: tuple[Incident, ...] = field(default=())


def default_incidents(end: datetime) -> tuple[Incident, ...]:
    """The demo's incidents: a billing complaint spike 3 days before `end`, an
    outage burst the day before, and a quiet night 5 days before."""
    day = end.replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Incident("topic_spike", day - timedelta(days=3) + 14 * HOUR, 6, 8.0, "billing"),
        Incident("burst", day - timedelta(days=1) + 15 * HOUR, 1, 6.0, "outage"),
        Incident("quiet", day - timedelta(days=5) + 9 * HOUR, 6, 0.05),
    )


def rhythm(moment: datetime) -> float:
    """Relative activity at `moment`: a daily wave peaking at 15:00 UTC, quieter weekends."""
    daily = 0.25 + 0.75 * (1 + math.cos((moment.hour - 15) / 24 * 2 * math.pi)) / 2
    weekly = 0.6 if moment.weekday() >= 5 else 1.0
    return daily * weekly


def simulate_source(
    spec: CommunitySpec, source: SourceSpec, start: datetime, end: datetime
) -> Iterator[RawMessage]:
    """The messages of `source` sent in [start, end), in time order."""
    hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while hour < end:
        for message in _hour_of_messages(spec, source, hour):
            if start <= message.sent_at < end:
                yield message
        hour += HOUR


def _hour_of_messages(spec: CommunitySpec, source: SourceSpec, hour: datetime) -> list[RawMessage]:
    rng = random.Random(_seed(spec.seed, source.name, hour))
    expected = spec.messages_per_hour * source.share * rhythm(hour)
    for incident in spec.incidents:
        if incident.kind == "quiet" and incident.covers(hour):
            expected *= incident.factor
    plan = [(_poisson(rng, expected), None, False)]
    for incident in spec.incidents:
        if incident.kind != "quiet" and incident.covers(hour):
            base = expected * (1.0 if incident.kind == "burst" else TOPIC_SHARE / len(TOPIC_TEXT))
            plan.append((_poisson(rng, base * incident.factor), incident.topic, True))
    seconds = sorted(
        (rng.random() * 3600, topic, crisis) for count, topic, crisis in plan for _ in range(count)
    )
    members = _member_weights(spec.members_per_source)
    messages: list[RawMessage] = []
    for index, (second, topic, crisis) in enumerate(seconds):
        sent_at = hour + timedelta(seconds=second)
        external_id = f"{source.name}:{hour:%Y%m%d%H}:{index}"
        messages.append(
            _message(rng, source, members, external_id, sent_at, topic, crisis, messages)
        )
    return messages


def _message(rng, source, members, external_id, sent_at, topic, crisis, earlier) -> RawMessage:
    if not crisis and rng.random() < BOT_SHARE:
        text = fill(rng, rng.choice(TOPIC_TEXT["releases"]["neutral"]))
        return RawMessage(
            external_id,
            sent_at,
            source.channels[0],
            f"{source.name}-bot",
            "StatusBot",
            text,
            None,
            True,
        )
    member = rng.choices(range(len(members)), cum_weights=members)[0]
    author_id = f"{source.name}-m{member}"
    channel = rng.choice(source.channels)
    text = _text(rng, topic, crisis)
    reply_to = None
    if rng.random() < REPLY_SHARE:
        same_channel = [m for m in earlier[-20:] if m.channel == channel and not m.is_bot]
        if same_channel:
            reply_to = rng.choice(same_channel).external_id
    return RawMessage(
        external_id, sent_at, channel, author_id, _display_name(member), text, reply_to, False
    )


def _text(rng: random.Random, topic: str | None, crisis: bool) -> str:
    if topic is None:
        roll = rng.random()
        if roll < FOREIGN_SHARE:
            return rng.choice(FOREIGN)
        if roll > TOPIC_SHARE:
            return fill(rng, rng.choice(CHATTER))
        topic = rng.choice(sorted(TOPIC_TEXT))
    mood = "negative" if crisis and rng.random() < 0.85 else _mood(rng)
    return fill(rng, rng.choice(TOPIC_TEXT[topic][mood]))


def _mood(rng: random.Random) -> str:
    roll = rng.random()
    return "positive" if roll < 0.3 else "negative" if roll < 0.5 else "neutral"


_FIRST = (
    "ana ben chen dara eli fatima gus hana ivan jo kai lena milo nia omar pia quinn ravi sol tess"
)
_NAMES = _FIRST.split()


def _display_name(member: int) -> str:
    return f"{_NAMES[member % len(_NAMES)].title()}{member // len(_NAMES) or ''}"


_weights_cache: dict[int, list[float]] = {}


def _member_weights(count: int) -> list[float]:
    """Cumulative Zipf-like weights: a few members write most messages."""
    if count not in _weights_cache:
        _weights_cache[count] = list(accumulate(1 / (rank + 1) ** 1.1 for rank in range(count)))
    return _weights_cache[count]


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    threshold, count, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _seed(seed: int, source: str, hour: datetime) -> int:
    key = f"{seed}|{source}|{hour:%Y%m%d%H}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
