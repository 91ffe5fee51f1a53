"""Saving a topic rule: validate, store, re-tag every past message, rebuild its rollups.

The messages are read in chunks outside any write transaction (this is the
long part, with progress reported); the links and rollups of the topic are
then replaced in one short transaction, so readers never see half a topic.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select, update

from access.permissions import Action, Actor, require
from analysis.topics import (
    CompiledTopic,
    TopicRule,
    TopicRuleError,
    compile_rule,
    prepare,
    validate,
)
from dashboard.changes.corrections import topic_corrections
from data_access import audit
from data_access.retention import raw_messages_kept_since
from data_access.rollups import replace_topic_links
from data_access.schema import Message, Topic
from data_access.topics import rule_values, stored_values

log = logging.getLogger(__name__)
SCAN_CHUNK = 20_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

Progress = Callable[[int, int], None]  # (messages scanned, messages in all)


@dataclass(frozen=True)
class RetagResult:
    topic_id: int
    scanned: int
    matched: int


def save_topic(
    engine: Engine,
    community_id: int,
    rule: TopicRule,
    topic_id: int | None = None,
    on_progress: Progress | None = None,
    *,
    actor: Actor,
    now: datetime,
) -> RetagResult:
    """Create (no `topic_id`) or replace a topic's rule, then re-tag past messages.
    Analysts and admins only; the change goes in the audit log."""
    require(actor, Action.EDIT_TOPICS)
    rule = validate(rule)
    values = rule_values(rule)
    with engine.begin() as conn:
        clash = conn.scalar(
            select(Topic.id).where(Topic.community_id == community_id, Topic.name == rule.name)
        )
        if clash is not None and clash != topic_id:
            raise TopicRuleError("name", f"a topic named {rule.name!r} already exists")
        if topic_id is None:
            stmt = insert(Topic).values(community_id=community_id, **values).returning(Topic.id)
            topic_id = conn.execute(stmt).scalar_one()
            old = None
        else:
            old = stored_values(conn, topic_id)
            conn.execute(update(Topic).where(Topic.id == topic_id).values(**values))
        audit.record(conn, now, actor.name, "topic.save", rule.name, old, values)
    result = retag(engine, community_id, topic_id, compile_rule(rule), on_progress)
    log.info("topic %r saved: %d of %d messages match", rule.name, result.matched, result.scanned)
    return result


def delete_topic(engine: Engine, topic_id: int, *, actor: Actor, now: datetime) -> None:
    """Remove a topic with its links and rollups. Analysts and admins only; audited."""
    require(actor, Action.EDIT_TOPICS)
    with engine.begin() as conn:
        old = stored_values(conn, topic_id)
        replace_topic_links(conn, topic_id, [])  # every hour: the topic is gone
        conn.execute(delete(Topic).where(Topic.id == topic_id))
        audit.record(conn, now, actor.name, "topic.remove", old["name"] if old else "?", old)


def retag(
    engine: Engine,
    community_id: int,
    topic_id: int,
    topic: CompiledTopic,
    on_progress: Progress | None = None,
) -> RetagResult:
    # the matched messages' ids and times (microseconds since 1970): 16 bytes each, for
    # topics that match millions of messages
    ids, times = array("q"), array("q")
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).where(Message.community_id == community_id))
        last_id, scanned = 0, 0
        while True:
            query = (
                select(Message.id, Message.sent_at, Message.text)
                .where(Message.community_id == community_id, Message.id > last_id)
                .order_by(Message.id)
                .limit(SCAN_CHUNK)
            )
            rows = conn.execute(query).all()
            if not rows:
                break
            for id_, sent_at, text in rows:
                if topic.matches(prepare(text)):
                    ids.append(id_)
                    times.append((sent_at - _EPOCH) // _MICROSECOND)
            last_id, scanned = rows[-1][0], scanned + len(rows)
            if on_progress:
                on_progress(scanned, total)
    with engine.begin() as conn:
        matched = {i: _EPOCH + t * _MICROSECOND for i, t in zip(ids, times, strict=True)}
        for message_id, (sent_at, value) in topic_corrections(conn, topic_id).items():
            if value == "in":  # an analyst's correction outlasts the rule
                matched[message_id] = sent_at
            else:
                matched.pop(message_id, None)
        links = sorted(matched.items())
        replace_topic_links(conn, topic_id, links, since=raw_messages_kept_since(conn))
    return RetagResult(topic_id, scanned, len(links))
