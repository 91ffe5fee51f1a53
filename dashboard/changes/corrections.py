"""Correcting how a message was read: its kind or its sentiment label. The message is
changed, its hour's rollups recounted (so every figure counts the correction at once),
the correction kept (it is shown as corrected, and trains the kind model later) and
audited. Analysts and admins only.

A sentiment label is stored as the score that stands for it: +0.5 positive, 0.0
neutral, -0.5 negative (docs/kinds.md); a message in a language the product does not
score becomes scored this way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, insert, select, update

from access.permissions import Action, Actor, require
from analysis.kinds import KINDS
from analysis.sentiment import label_for
from data_access import audit
from data_access.rollups import refresh_rollups
from data_access.schema import Correction, Message

LABEL_SCORES = {"positive": 0.5, "neutral": 0.0, "negative": -0.5}
FIELDS = ("kind", "sentiment")


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
    label of LABEL_SCORES) to `value`; returns the value before."""
    require(actor, Action.CORRECT_MESSAGES)
    if field not in FIELDS:
        raise CorrectionError(f"{field!r} cannot be corrected; one of {', '.join(FIELDS)}")
    allowed = KINDS if field == "kind" else tuple(LABEL_SCORES)
    if value not in allowed:
        raise CorrectionError(f"{value!r} is not a {field}; one of {', '.join(allowed)}")
    with engine.begin() as conn:
        row = conn.execute(
            select(
                Message.sent_at, Message.channel_id, Message.hour, Message.kind, Message.sentiment
            ).where(Message.id == message_id, Message.community_id == community_id)
        ).one_or_none()
        if row is None:
            raise CorrectionError(f"no message {message_id} in this community")
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
