"""Background traffic: a real chat log re-timed onto a timeline of several weeks.

The log's own rhythm (its share of messages at each hour of the week, blended with the
hour of the day so a small log's empty hours do not become silences) sets the rate of
each hour; days and hours vary around it (gamma noise, as real days do); the messages of
an hour are the log's next rows in order, so conversations, authors and their texts stay
together. Each message is read once per log row (sentiment, topics) with the product's
own reading. Two sources deliver the community (80% and 20% of messages), as an
importer and a bot would, so that one can go silent.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from alerts.baselines import WEEK_HOURS
from alerts.planted.logs import ChatLog
from analysis.sentiment import analyse
from analysis.topics import TopicIndex, compile_rule, keyword_rule

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday: the timeline's first hour
MAIN_SOURCE_SHARE = 0.8
DAY_NOISE, HOUR_NOISE = 0.15, 0.25  # coefficients of variation of the gamma factors
TOPIC_COUNT = 6
TOPIC_SHARE = (0.01, 0.08)  # a word becomes a topic when this share of messages hold it
_WORD = re.compile(r"[a-z]{4,}")
STOPWORDS = frozenset(
    """about above after again against also although always another anyone anything
    around because been before being below between both cannot could didn does doesn doing
    done down during each else even ever every everything from further gets getting going
    gonna good have having here hers herself himself into it's just know like look make
    many maybe might more most much must myself need never okay once only other ought ours
    over please pretty quite rather really right said same seems should since some
    something still such sure take than thank thanks that that's their theirs them
    themselves then there there's these they they're thing things think this those though
    through thus very want wants well were what what's when where whether which while who
    whom whose will with within without would yeah your yours yourself http https
    using used work works working trying tried help problem time people first last""".split()
)


@dataclass(frozen=True)
class ReadLog:
    """A log with each row read: sentiment (NaN: not scored) and topic ids."""

    log: ChatLog
    sentiment: np.ndarray
    topic_names: dict[int, str]
    topics_of_row: tuple[tuple[int, ...], ...]

    def rows_of_topic(self, topic_id: int) -> np.ndarray:
        return np.array([r for r, ids in enumerate(self.topics_of_row) if topic_id in ids])

    def negative_rows(self) -> np.ndarray:
        return np.flatnonzero(self.sentiment <= -0.05)


def read(log: ChatLog) -> ReadLog:
    """Score every row and tag it with the log's own topics (see `topic_words`)."""
    sentiment = np.array(
        [np.nan if (s := analyse(t).compound) is None else s for t in log.texts], dtype=float
    )
    words = topic_words(log)
    index = TopicIndex([compile_rule(keyword_rule(w, "#1f77b4", w)) for w in words])
    ids = {word: i + 1 for i, word in enumerate(words)}
    topics = tuple(tuple(ids[name] for name in index.match(text)) for text in log.texts)
    return ReadLog(log, sentiment, {i: w for w, i in ids.items()}, topics)


def topic_words(log: ChatLog) -> list[str]:
    """The topics an analyst of this community might watch: its most frequent content
    words held by between 1% and 8% of messages (stopwords and author names left out)."""
    authors = {a.lower() for a in log.authors}
    held = Counter()
    for text in log.texts:
        held.update(set(_WORD.findall(text.lower())))
    fitting = [
        word
        for word, count in held.most_common()
        if TOPIC_SHARE[0] <= count / len(log) <= TOPIC_SHARE[1]
        and word not in STOPWORDS
        and word not in authors
    ]
    return fitting[:TOPIC_COUNT]


@dataclass(frozen=True)
class Traffic:
    """A community's messages on the timeline, and what its hours usually hold.

    messages: minute (since the timeline's start), source_id, channel_id, member_id,
    is_bot, row (the log row it carries). usual: the expected messages of each hour
    (the rhythm without the noise), which incidents are sized from."""

    read_log: ReadLog
    messages: pd.DataFrame
    usual: np.ndarray
    hours: int

    def with_messages(self, messages: pd.DataFrame) -> Traffic:
        ordered = messages.sort_values("minute", kind="stable").reset_index(drop=True)
        return replace(self, messages=ordered)


def rhythm(log: ChatLog) -> np.ndarray:
    """The log's relative rate at each hour of the week (mean 1): half its own hour of
    the week, half its hour of the day, with a floor so that no hour is empty."""
    of_week = np.bincount(log.hour_of_week, minlength=WEEK_HOURS).astype(float)
    of_day = of_week.reshape(7, 24).sum(axis=0) / 7
    blended = 0.5 * of_week / of_week.mean() + 0.5 * np.tile(of_day / of_day.mean(), 7)
    floored = np.maximum(blended, 0.1)
    return floored / floored.mean()


def usual_hours(log: ChatLog, daily_messages: float, weeks: int) -> np.ndarray:
    return np.tile(rhythm(log), weeks) * daily_messages / 24


def generate(read_log: ReadLog, usual: np.ndarray, rng: np.random.Generator) -> Traffic:
    """Messages for each hour: Poisson around the usual count times a day and an hour
    factor (gamma, mean 1), at random minutes, carrying the log's next rows."""
    hours = len(usual)
    day = rng.gamma(1 / DAY_NOISE**2, DAY_NOISE**2, size=-(-hours // 24))
    hour = rng.gamma(1 / HOUR_NOISE**2, HOUR_NOISE**2, size=hours)
    counts = rng.poisson(usual * np.repeat(day, 24)[:hours] * hour)
    minutes = np.repeat(np.arange(hours) * 60, counts) + rng.integers(0, 60, counts.sum())
    messages = carrying(read_log, np.sort(minutes), rng)
    return Traffic(read_log, messages, usual, hours)


def carrying(read_log: ReadLog, minutes: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Messages at `minutes` carrying consecutive log rows from a random place, each
    delivered by the main source (80%) or the second one."""
    log = read_log.log
    rows = (int(rng.integers(0, len(log))) + np.arange(len(minutes))) % len(log)
    source = np.where(rng.random(len(minutes)) < MAIN_SOURCE_SHARE, 1, 2)
    return pd.DataFrame(
        {
            "minute": minutes.astype(np.int64),
            "source_id": source,
            "row": rows,
            "author": [log.authors[r] for r in rows],
            "channel": [log.channels[r] for r in rows],
            "is_bot": log.is_bot[rows],
        }
    )
