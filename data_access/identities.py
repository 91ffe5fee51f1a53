"""Accounts of one person: the suggestions' input, and the analyst's decisions (confirm,
reject, undo). A confirmed merge points the second account at the first's person; member
KPIs count `coalesce(person_id, id)`, so the person counts once. Audited."""

from __future__ import annotations

import secrets
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from access.permissions import Action, Actor, require
from analysis.identity import Account, Suggestion, suggest
from data_access import audit
from data_access.frames import frame_of
from data_access.schema import IdentityDecision, Member, Source, WeeklyFigures
from data_access.sql import among


def accounts(conn: Connection, community_id: int, only: list[int] | None = None) -> list[Account]:
    """The community's human accounts, as the suggestions need them (`only`: these ids)."""
    query = (
        select(
            Member.id,
            Source.name,
            Source.platform,
            Member.external_id,
            Member.display_name,
            Member.email,
        )
        .join(Source, Source.id == Member.source_id)
        .where(Member.community_id == community_id, Member.is_bot.is_(False))
    )
    if only is not None:
        query = query.where(among(Member.id, only))
    return [Account(*row) for row in conn.execute(query).all()]


def decided_pairs(conn: Connection, community_id: int) -> set[tuple[int, int]]:
    """Pairs confirmed or rejected: not suggested again."""
    rows = conn.execute(
        select(IdentityDecision.primary_id, IdentityDecision.member_id).where(
            IdentityDecision.community_id == community_id,
            IdentityDecision.status.in_(["confirmed", "rejected"]),
        )
    ).all()
    return {(min(a, b), max(a, b)) for a, b in rows}


def open_suggestions(conn: Connection, community_id: int) -> list[Suggestion]:
    """Suggested matches between the community's accounts not decided yet, best first."""
    return suggest(accounts(conn, community_id), decided_pairs(conn, community_id))


def decisions(conn: Connection, community_id: int, status: str) -> pd.DataFrame:
    primary, member = aliased(Member), aliased(Member)
    query = (
        select(
            IdentityDecision.id,
            primary.display_name.label("person"),
            member.display_name.label("account"),
            member.external_id.label("account id"),
            IdentityDecision.score,
            IdentityDecision.evidence,
            IdentityDecision.decided_by,
            IdentityDecision.decided_at,
            IdentityDecision.batch,
        )
        .join(primary, primary.id == IdentityDecision.primary_id)
        .join(member, member.id == IdentityDecision.member_id)
        .where(IdentityDecision.community_id == community_id, IdentityDecision.status == status)
        .order_by(IdentityDecision.decided_at.desc())
    )
    return frame_of(conn, query)


def decide(
    engine: Engine,
    community_id: int,
    suggestion: Suggestion,
    confirmed: bool,
    *,
    actor: Actor,
    now: datetime,
) -> None:
    """Confirm (merge) or reject a suggested pair. Analysts and admins only."""
    require(actor, Action.MERGE_IDENTITIES)
    with engine.begin() as conn:
        _decide(conn, community_id, suggestion, confirmed, actor, now, None)


def confirm_batch(
    engine: Engine,
    community_id: int,
    suggestions: list[Suggestion],
    *,
    actor: Actor,
    now: datetime,
) -> str:
    """Confirm many suggested pairs in one transaction, best first; returns the batch's
    name, by which undo_batch splits them all again. Analysts and admins only."""
    require(actor, Action.MERGE_IDENTITIES)
    batch = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    with engine.begin() as conn:
        for suggestion in sorted(suggestions, key=lambda s: -s.score):
            _decide(conn, community_id, suggestion, True, actor, now, batch)
        _stale(conn, community_id)
        audit.record(conn, now, actor.name, "identity.confirm_batch", batch, None, len(suggestions))
    return batch


def _decide(conn, community_id, suggestion, confirmed, actor, now, batch) -> None:
    primary = (
        conn.scalar(select(Member.person_id).where(Member.id == suggestion.first))
        or suggestion.first
    )
    if confirmed:
        conn.execute(
            update(Member)
            .where(
                Member.community_id == community_id,
                or_(Member.id == suggestion.second, Member.person_id == suggestion.second),
            )
            .values(person_id=primary)
        )
        if batch is None:  # a batch marks the figures stale once, at its end
            _stale(conn, community_id)
    status = "confirmed" if confirmed else "rejected"
    _record(conn, community_id, suggestion, status, primary, actor, now, batch)


def undo(engine: Engine, decision_id: int, *, actor: Actor, now: datetime) -> None:
    """Split a confirmed merge again: the account counts as its own person."""
    require(actor, Action.MERGE_IDENTITIES)
    with engine.begin() as conn:
        _undo(conn, decision_id, actor, now)


def undo_batch(engine: Engine, batch: str, *, actor: Actor, now: datetime) -> int:
    """Split again every merge of a batch still confirmed; returns how many."""
    require(actor, Action.MERGE_IDENTITIES)
    with engine.begin() as conn:
        ids = list(
            conn.scalars(
                select(IdentityDecision.id).where(
                    IdentityDecision.batch == batch, IdentityDecision.status == "confirmed"
                )
            )
        )
        for decision_id in ids:
            _undo(conn, decision_id, actor, now)
    return len(ids)


def batches(conn: Connection, community_id: int) -> pd.DataFrame:
    """Batches with merges still confirmed, newest first: batch, merges, decided_by, decided_at."""
    query = (
        select(
            IdentityDecision.batch,
            func.count().label("merges"),
            func.min(IdentityDecision.decided_by).label("decided_by"),
            func.max(IdentityDecision.decided_at).label("decided_at"),
        )
        .where(
            IdentityDecision.community_id == community_id,
            IdentityDecision.status == "confirmed",
            IdentityDecision.batch.is_not(None),
        )
        .group_by(IdentityDecision.batch)
        .order_by(func.max(IdentityDecision.decided_at).desc())
    )
    return frame_of(conn, query)


def _undo(conn: Connection, decision_id: int, actor: Actor, now: datetime) -> None:
    row = conn.execute(
        select(IdentityDecision.__table__).where(IdentityDecision.id == decision_id)
    ).one()
    conn.execute(update(Member).where(Member.id == row.member_id).values(person_id=None))
    conn.execute(
        update(IdentityDecision)
        .where(IdentityDecision.id == decision_id)
        .values(status="undone", decided_by=actor.name, decided_at=now)
    )
    _stale(conn, row.community_id)
    target = f"accounts {row.primary_id} and {row.member_id}"
    audit.record(conn, now, actor.name, "identity.undo", target, "confirmed", "undone")


def _record(
    conn, community_id, suggestion: Suggestion, status, primary, actor, now, batch=None
) -> None:
    pair = (primary, suggestion.second)
    conn.execute(
        delete(IdentityDecision).where(
            IdentityDecision.primary_id == pair[0], IdentityDecision.member_id == pair[1]
        )
    )
    conn.execute(
        insert(IdentityDecision).values(
            community_id=community_id,
            primary_id=pair[0],
            member_id=pair[1],
            status=status,
            score=suggestion.score,
            evidence=list(suggestion.evidence),
            decided_by=actor.name,
            decided_at=now,
            batch=batch,
        )
    )
    target = f"accounts {pair[0]} and {pair[1]}"
    audit.record(
        conn, now, actor.name, f"identity.{status[:-2]}", target, None, list(suggestion.evidence)
    )


def _stale(conn: Connection, community_id: int) -> None:
    """Stored weekly figures counted people the old way."""
    conn.execute(delete(WeeklyFigures).where(WeeklyFigures.community_id == community_id))
