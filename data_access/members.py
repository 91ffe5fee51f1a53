"""Bots and staff: find members, flag them, and leave staff out of sentiment and response
figures when a community says so. Every change recounts the rollups it affects (and drops
the stored weekly figures), so the pages stay equal to a count over the raw messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, or_, select, update

from access.permissions import Action, Actor, require
from data_access import audit
from data_access.frames import frame_of
from data_access.rollups import refresh_rollups
from data_access.schema import ChannelHourly, Community, Member, Message, Source, WeeklyFigures
from data_access.sql import among, chunked

KEYS_PER_TRANSACTION = 2_000
Progress = Callable[[int, int], None]


def find(conn: Connection, community_id: int, text: str, limit: int = 200) -> pd.DataFrame:
    """Members whose name or id contains `text` (case-insensitive), most active first."""
    pattern = f"%{text.strip().lower()}%"
    messages = (
        select(Message.member_id, func.count().label("messages"))
        .where(Message.community_id == community_id)
        .group_by(Message.member_id)
        .subquery()
    )
    query = (
        _accounts()
        .add_columns(func.coalesce(messages.c.messages, 0).label("messages"))
        .outerjoin(messages, messages.c.member_id == Member.id)
        .where(
            Member.community_id == community_id,
            or_(
                func.lower(Member.display_name).like(pattern),
                func.lower(Member.external_id).like(pattern),
            ),
        )
        .order_by(func.coalesce(messages.c.messages, 0).desc(), Member.display_name)
        .limit(limit)
    )
    return frame_of(conn, query)


def flagged(conn: Connection, community_id: int) -> pd.DataFrame:
    """The members marked as bots or staff."""
    query = (
        _accounts()
        .where(Member.community_id == community_id, or_(Member.is_bot, Member.is_staff))
        .order_by(Member.display_name)
    )
    return frame_of(conn, query)


def _accounts():
    return select(
        Member.id,
        Source.platform,
        Member.external_id,
        Member.display_name,
        Member.is_bot,
        Member.is_staff,
    ).join(Source, Source.id == Member.source_id)


def excludes_staff(conn: Connection, community_id: int) -> bool:
    return bool(conn.scalar(select(Community.exclude_staff).where(Community.id == community_id)))


def set_flags(
    engine: Engine,
    community_id: int,
    changes: dict[int, tuple[bool, bool]],
    *,
    actor: Actor,
    now: datetime,
    on_progress: Progress | None = None,
) -> int:
    """Set (is_bot, is_staff) of members by id, then recount the hours they wrote in.
    Analysts and admins only; audited. Returns the rollup keys recounted."""
    require(actor, Action.MARK_MEMBERS)
    if not changes:
        return 0
    with engine.begin() as conn:
        before = conn.execute(
            select(Member.id, Member.display_name, Member.is_bot, Member.is_staff).where(
                among(Member.id, list(changes))
            )
        ).all()
        for member_id, (is_bot, is_staff) in changes.items():
            conn.execute(
                update(Member)
                .where(Member.id == member_id, Member.community_id == community_id)
                .values(is_bot=is_bot, is_staff=is_staff)
            )
        for row in before:
            old = {"bot": bool(row.is_bot), "staff": bool(row.is_staff)}
            new = dict(zip(("bot", "staff"), changes[row.id], strict=True))
            if old != new:
                audit.record(conn, now, actor.name, "member.flags", row.display_name, old, new)
        keys = conn.execute(
            select(Message.channel_id, Message.hour)
            .where(among(Message.member_id, list(changes)))
            .distinct()
        ).all()
    return _recount(engine, community_id, [tuple(k) for k in keys], on_progress)


def set_exclude_staff(
    engine: Engine,
    community_id: int,
    exclude: bool,
    *,
    actor: Actor,
    now: datetime,
    on_progress: Progress | None = None,
) -> int:
    """Leave staff out of sentiment and response figures (or count them again), recounting
    every rollup of the community. Analysts and admins only; audited."""
    require(actor, Action.MARK_MEMBERS)
    with engine.begin() as conn:
        old = excludes_staff(conn, community_id)
        conn.execute(
            update(Community).where(Community.id == community_id).values(exclude_staff=exclude)
        )
        audit.record(
            conn, now, actor.name, "community.exclude_staff", str(community_id), old, exclude
        )
        keys = conn.execute(
            select(ChannelHourly.channel_id, ChannelHourly.hour).where(
                ChannelHourly.community_id == community_id
            )
        ).all()
    return _recount(engine, community_id, [tuple(k) for k in keys], on_progress)


def _recount(engine: Engine, community_id: int, keys: list, on_progress: Progress | None) -> int:
    done = 0
    for chunk in chunked(keys, KEYS_PER_TRANSACTION):
        with engine.begin() as conn:
            refresh_rollups(conn, community_id, chunk)
        done += len(chunk)
        if on_progress:
            on_progress(done, len(keys))
    with engine.begin() as conn:  # counted with the old flags
        conn.execute(delete(WeeklyFigures).where(WeeklyFigures.community_id == community_id))
    return done
