"""The one import pipeline: parsed rows in, enriched batches written, a summary out.

Each batch is one transaction that stores its new messages and refreshes the
rollups they touch, so memory is bounded by the batch size and a failure loses
at most the batch in hand. Re-running an import adds nothing: messages are
unique on (source, external id).
"""

from __future__ import annotations

import html
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from analysis.kind_tuning import tuned_model
from analysis.kinds import KindModel
from analysis.kinds import model as shipped_kind_model
from analysis.sentiment import analyse_unescaped
from analysis.topics import CompiledTopic, TopicIndex, compile_rule, prepare
from data_access.db import in_transaction
from data_access.kind_models import stored_tuning
from data_access.partitions import make_months_first
from data_access.store import (
    EnrichedMessage,
    ensure_community,
    ensure_source,
    topic_ids,
    write_activity,
    write_batch,
)
from data_access.topics import topic_rules
from ingest.records import (
    DEFAULT_BATCH_SIZE,
    DELETED_AUTHOR_ID,
    MAX_TEXT_CHARS,
    Activity,
    ImportFormatError,
    ParsedRow,
    RawMessage,
    implausible_time,
)

MAX_LISTED_LINES = 5


@dataclass(frozen=True)
class ImportTarget:
    community: str
    source: str
    platform: str


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    past_retention: int = 0  # sent before the raw messages kept: not stored again
    rejected: Counter = field(default_factory=Counter)
    rejected_lines: dict[str, list[int]] = field(default_factory=dict)
    events: Counter = field(default_factory=Counter)  # joins, pins...: not messages
    without_text: Counter = field(default_factory=Counter)  # images, voice...: activity
    activity: int = 0  # joins, leaves, reactions, posts without text stored as activity
    cut: int = 0  # texts longer than MAX_TEXT_CHARS, stored cut
    deleted_authors: int = 0  # messages kept under the deleted-author placeholder
    seconds: float = 0.0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def reject(self, line: int, reason: str) -> None:
        self.rejected[reason] += 1
        lines = self.rejected_lines.setdefault(reason, [])
        if len(lines) < MAX_LISTED_LINES:
            lines.append(line)


Progress = Callable[[ImportSummary], None]


def enrich(
    message: RawMessage,
    topics: TopicIndex,
    bots: frozenset[str] = frozenset(),
    kinds: KindModel | None = None,
) -> EnrichedMessage:
    """Language, sentiment, kind (by the community's `kinds` model, else the shipped
    one) and topics of a message; an author in `bots` (by id or
    display name) is marked as a bot, like a platform's own bot flag. NUL characters are
    dropped (PostgreSQL's text cannot hold them) display names cut to what the
    database keeps, texts to MAX_TEXT_CHARS."""
    message = _storable(message)
    clean = html.unescape(message.text)
    words = prepare(clean)  # tokenised once for the language and the topics
    result = analyse_unescaped(clean, words.words)
    kind = (kinds or shipped_kind_model()).read(clean, result.compound)
    return EnrichedMessage(
        external_id=message.external_id,
        sent_at=message.sent_at,
        channel=message.channel,
        author_id=message.author_id,
        author_name=message.author_name,
        text=message.text,
        reply_to=message.reply_to,
        is_bot=message.is_bot or message.author_id in bots or message.author_name in bots,
        language=result.language,
        sentiment=result.compound,
        topics=tuple(topics.match_prepared(words)),
        author_email=message.author_email,
        kind=kind.kind,
        kind_confidence=kind.confidence,
    )


NAME_LENGTH = 300  # channel and member display names (data_access.schema)


def _storable(message: RawMessage) -> RawMessage:
    names = (message.channel, message.author_name)
    values = (message.external_id, message.author_id, message.text, message.reply_to or "")
    if (
        not any("\x00" in v for v in names + values)
        and max(map(len, names)) <= NAME_LENGTH
        and len(message.text) <= MAX_TEXT_CHARS
    ):
        return message  # nearly always: nothing to copy

    def clean(value: str | None, length: int | None = None) -> str | None:
        return None if value is None else value.replace("\x00", "")[:length]

    return replace(
        message,
        external_id=clean(message.external_id),
        channel=clean(message.channel, NAME_LENGTH),
        author_id=clean(message.author_id),
        author_name=clean(message.author_name, NAME_LENGTH),
        text=clean(message.text, MAX_TEXT_CHARS),
        reply_to=clean(message.reply_to),
    )


def load_compiled_topics(engine: Engine, community: str) -> list[CompiledTopic]:
    """The community's topic rules, compiled for matching (the community is made if new)."""
    community_id = in_transaction(engine, lambda conn: ensure_community(conn, community))
    with engine.connect() as conn:
        return [compile_rule(rule) for rule in topic_rules(conn, community_id)]


def load_kind_model(engine: Engine, community_id: int) -> KindModel:
    """The community's kind model: the shipped one, tuned by `ecg classify train` if it
    was (data_access.kind_models)."""
    with engine.connect() as conn:
        tuning = stored_tuning(conn, community_id)
    shipped = shipped_kind_model()
    return shipped if tuning is None else tuned_model(shipped, tuning)


def run_import(
    engine: Engine,
    rows: Iterable[ParsedRow],
    target: ImportTarget,
    *,
    path: str = "<input>",
    strict: bool = False,
    bots: frozenset[str] = frozenset(),
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportSummary:
    """Import `rows` into `target`.

    A row that cannot become a message is counted as rejected, with its reason
    and line; with `strict` it stops the import instead (batches already
    written stay, the batch in hand is not written). So is a message dated before
    2000 or more than a day after `now` (default: when the import starts). Authors
    in `bots` are bots, left out of member counts.
    """
    now = now or datetime.now(UTC)
    topics = TopicIndex(load_compiled_topics(engine, target.community))
    community_id = in_transaction(engine, lambda conn: ensure_community(conn, target.community))
    kinds = load_kind_model(engine, community_id)
    summary = ImportSummary()
    batch = _Batch(engine, community_id, target, now, summary, on_progress)
    for row in rows:
        summary.read += 1
        row = row.within(now)
        batch.activity.extend(_activity_of(row, bots, now))
        message = _message_of(row, summary, strict, path)
        if message is not None:
            summary.cut += len(message.text) > MAX_TEXT_CHARS
            summary.deleted_authors += message.author_id == DELETED_AUTHOR_ID
            batch.messages.append(enrich(message, topics, bots, kinds))
            if batch.holds(batch_size):
                batch.write()
    batch.write()
    return summary


def _activity_of(row: ParsedRow, bots: frozenset[str], now: datetime) -> list[Activity]:
    """The row's member activity with a plausible time, its bots marked."""
    return [
        replace(a, is_bot=a.is_bot or a.author_id in bots or a.author_name in bots)
        for a in row.activity
        if implausible_time(a.at, now) is None
    ]


def _message_of(
    row: ParsedRow, summary: ImportSummary, strict: bool, path: str
) -> RawMessage | None:
    """The row's message; None for a platform event (counted) or a rejected row (counted
    with its line, or ImportFormatError when `strict`)."""
    if row.message is not None:
        return row.message
    if row.without_text:
        summary.without_text[row.error] += 1
    elif row.event:
        summary.events[row.error] += 1
    elif strict:
        raise ImportFormatError(path, row.line, row.error or "invalid row")
    else:
        summary.reject(row.line, row.error or "invalid row")
    return None


class _Batch:
    """The messages and activity in hand, written together in one transaction."""

    def __init__(self, engine, community_id, target, now, summary, on_progress) -> None:
        self.engine, self.community_id, self.target = engine, community_id, target
        self.now, self.summary, self.on_progress = now, summary, on_progress
        self.started = time.perf_counter()
        self.messages: list[EnrichedMessage] = []
        self.activity: list[Activity] = []

    def holds(self, size: int) -> bool:
        return len(self.messages) >= size or len(self.activity) >= size

    def write(self) -> None:
        """Write what is in hand (if anything), count it, and report progress."""
        summary, wrote = self.summary, bool(self.messages or self.activity)
        if wrote:
            make_months_first(self.engine, (m.sent_at for m in self.messages))
            result, activities = in_transaction(self.engine, self._store)
            summary.imported += result.inserted
            summary.duplicates += result.duplicates
            summary.past_retention += result.past_retention
            summary.activity += activities
            self.messages.clear()
            self.activity.clear()
        summary.seconds = time.perf_counter() - self.started
        if wrote and self.on_progress:
            self.on_progress(summary)

    def _store(self, conn: Connection) -> tuple:
        # the source is made with its first messages: a failed import leaves no empty one
        target, community_id = self.target, self.community_id
        source_id = ensure_source(conn, community_id, target.source, target.platform)
        topics_by_name = topic_ids(conn, community_id)
        result = write_batch(conn, community_id, source_id, self.messages, topics_by_name, self.now)
        return result, write_activity(conn, community_id, source_id, self.activity)
