"""What is emerging in a community now (analysis.emerging): its people's messages of the
last week read, the terms far above their usual, with the people who used them and a
few of their messages. Shared by the Topic heat page and its tests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from analysis.emerging import (
    BASELINE_HOURS,
    WINDOW_HOURS,
    EmergingTerm,
    candidate_terms,
    emerging_terms,
    message_terms,
    term_counts,
)
from data_access import queries

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SAMPLES = 3


@dataclass(frozen=True)
class EmergingNow:
    terms: list[EmergingTerm]
    samples: dict[str, list[str]]  # term -> its newest messages in the window
    window_start: datetime
    messages: int  # messages read, window and baseline


def hour_number(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds() // 3600)


def hour_start(number: int) -> datetime:
    return EPOCH + timedelta(hours=number)


def emerging_now(engine: Engine, community_id: int, now: datetime) -> EmergingNow:
    now_hour = hour_number(now)
    window_start = hour_start(now_hour - WINDOW_HOURS + 1)
    start = window_start - timedelta(hours=BASELINE_HOURS)
    with engine.connect() as conn:
        rows = queries.people_texts_between(conn, community_id, start, now)
    hours = [hour_number(moment) for moment in rows["sent_at"]]
    texts = rows["text"].tolist()
    counts = term_counts(zip(hours, texts, strict=True))
    candidates = candidate_terms(counts, now_hour)
    authors: dict[str, set] = defaultdict(set)
    mentions: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    first = now_hour - WINDOW_HOURS + 1
    for hour, member, text, sent in zip(
        hours, rows["member_id"], texts, rows["sent_at"], strict=True
    ):
        if hour < first:
            continue
        for term in message_terms(text) & candidates:
            authors[term].add(member)
            mentions[term].append((sent, text))
    found = emerging_terms(counts, now_hour, {t: len(a) for t, a in authors.items()})
    samples = {
        t.term: [text for _, text in sorted(mentions[t.term], reverse=True)[:SAMPLES]]
        for t in found
    }
    return EmergingNow(found, samples, window_start, len(rows))
