"""Correcting how a message was read: its kind, its sentiment label, or whether it is in
a topic. The message (or its topic link) is changed, its hour's rollups recounted (so
every figure counts the correction at once), the correction kept (it is shown as
corrected, a re-tag keeps a topic correction, `ecg classify train` learns from kind
corrections) and audited. Analysts and admins only.

A sentiment label is stored as the score that stands for it: +0.5 positive, 0.0
neutral, -0.5 negative (docs/kinds.md); a message in a language the product does not
score becomes scored this way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, insert, select, update

from access.permissions import Action, Actor, require
from analysis.kinds import KINDS
from analysis.sentiment import label_for
from data_access import audit
from data_access.rollups import refresh_rollups
from data_access.schema import Correction, Message, MessageTopic, Topic

LABEL_SCORES = {"positive": 0.5, "neutral": 0.0, "negative": -0.5}
FIELDS = ("kind", "sentiment", "topic:ID")
IN_TOPIC = ("in", "out")  # a topic correction: the message is in the topic, or is not


class CorrectionError(ValueError):
    """A correction that cannot be made: an unknown field or value, a missing message."""


def correct_message(
    engine: Engine,
    community_id: int,
    message_id: int,
    field: str,
    value: str,
    *,
    actor: Actor,
    now: datetime,
) -> str | None:
    """Set the message's `field` ("kind": one of analysis.kinds.KINDS; "sentiment": a
    label of LABEL_SCORES; "topic:ID": "in" or "out" of that topic) to `value`; returns
    the value before."""
    require(actor, Action.CORRECT_MESSAGES)
    topic_id = _topic_of(field)
    if field not in ("kind", "sentiment") and topic_id is None:
        raise CorrectionError(f"{field!r} cannot be corrected; one of {', '.join(FIELDS)}")
    allowed = {"kind": KINDS, "sentiment": tuple(LABEL_SCORES)}.get(field, IN_TOPIC)
    if value not in allowed:
        name = field if topic_id is None else "topic correction"
        raise CorrectionError(f"{value!r} is not a {name}; one of {', '.join(allowed)}")
    with engine.begin() as conn:
        row = conn.execute(
            select(
                Message.sent_at, Message.channel_id, Message.hour, Message.kind, Message.sentiment
            ).where(Message.id == message_id, Message.community_id == community_id)
        ).one_or_none()
        if row is None:
            raise CorrectionError(f"no message {message_id} in this community")
        if topic_id is not None:
            old = _set_topic_link(conn, community_id, topic_id, message_id, row.sent_at, value)
        else:
            old = row.kind if field == "kind" else label_for(row.sentiment)
            changes = (
                {"kind": value, "kind_confidence": 1.0}
                if field == "kind"
                else {"sentiment": LABEL_SCORES[value]}
            )
            conn.execute(
                update(Message)
                .where(Message.id == message_id, Message.sent_at == row.sent_at)
                .values(**changes)
            )
        refresh_rollups(conn, community_id, [(row.channel_id, row.hour)])
        conn.execute(
            insert(Correction).values(
                community_id=community_id,
                message_id=message_id,
                sent_at=row.sent_at,
                field=field,
                old_value=old,
                new_value=value,
                corrected_by=actor.name,
                corrected_at=now,
            )
        )
        audit.record(
            conn,
            now,
            actor.name,
            "message.correct",
            f"message {message_id}",
            {field: old},
            {field: value},
        )
    return old


def _topic_of(field: str) -> int | None:
    name, _, number = field.partition(":")
    return int(number) if name == "topic" and number.isdigit() else None


def _set_topic_link(conn, community_id, topic_id, message_id, sent_at, value) -> str:
    """Put the message in the topic or take it out; returns "in" or "out" before."""
    if (
        conn.scalar(
            select(Topic.id).where(Topic.id == topic_id, Topic.community_id == community_id)
        )
        is None
    ):
        raise CorrectionError(f"no topic {topic_id} in this community")
    linked = (MessageTopic.message_id == message_id) & (MessageTopic.topic_id == topic_id)
    was_in = conn.scalar(select(MessageTopic.message_id).where(linked)) is not None
    if value == "out" and was_in:
        conn.execute(delete(MessageTopic).where(linked))
    if value == "in" and not was_in:
        conn.execute(
            insert(MessageTopic).values(message_id=message_id, topic_id=topic_id, sent_at=sent_at)
        )
    return "in" if was_in else "out"


def topic_corrections(conn, topic_id: int) -> dict[int, tuple[datetime, str]]:
    """message id -> (its time, "in" or "out"): the latest correction of each message
    for this topic, which a re-tag keeps whatever the rule says."""
    query = (
        select(Correction.message_id, Correction.sent_at, Correction.new_value)
        .where(Correction.field == f"topic:{topic_id}")
        .order_by(Correction.id)
    )
    return {message_id: (sent_at, value) for message_id, sent_at, value in conn.execute(query)}
