"""Reads for the weekly KPIs: counts bucketed into weeks given by their UTC edges.

`edges` are the UTC starts of consecutive weeks followed by the end of the last one; week
`i` is [edges[i], edges[i+1]). Members who are bots are left out of member counts.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, Select, and_, case, func, or_, select, union
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from analysis.kinds import KIND_COUNT_COLUMNS
from data_access.frames import frame_of, raw_time
from data_access.schema import (
    Channel,
    ChannelHourly,
    Member,
    MemberActivity,
    Message,
    Source,
    TopicHourly,
)
from data_access.sql import among

ANSWER_GRACE = timedelta(days=7)  # replies after the week still answer its questions


def _week_of(column, edges: list[datetime]):
    return case(
        *((and_(column >= a, column < b), i) for i, (a, b) in enumerate(itertools.pairwise(edges))),
        else_=-1,
    )


PERSON = func.coalesce(Member.person_id, Member.id)  # merged accounts count as one person


def of_persons(persons: Sequence[int]) -> ColumnElement[bool]:
    """`PERSON IN persons`, written so both databases find the accounts by index (the
    person merged into, ix_members_person; or the account itself) instead of computing
    PERSON for every member of the community."""
    return or_(
        among(Member.person_id, persons),
        and_(Member.person_id.is_(None), among(Member.id, persons)),
    )


def member_weeks(conn: Connection, community_id: int, edges: list[datetime]) -> pd.DataFrame:
    """(week, member_id) for each human who wrote, reacted or posted something without
    text (an image, a voice message) in a week; member_id is the person's."""
    wrote = (
        select(_week_of(Message.sent_at, edges).label("week"), PERSON.label("member_id"))
        .join(Member, Member.id == Message.member_id)
        .where(
            Message.community_id == community_id,
            Message.sent_at >= edges[0],
            Message.sent_at < edges[-1],
            Member.is_bot.is_(False),
        )
    )
    reacted = (
        select(_week_of(MemberActivity.at, edges).label("week"), PERSON.label("member_id"))
        .join(Member, Member.id == MemberActivity.member_id)
        .where(
            MemberActivity.community_id == community_id,
            MemberActivity.kind.in_(("reaction", "media")),  # media: a post without text
            MemberActivity.at >= edges[0],
            MemberActivity.at < edges[-1],
            Member.is_bot.is_(False),
        )
    )
    return frame_of(conn, union(wrote, reacted))  # UNION: each (week, person) once


def left_members(conn: Connection, community_id: int, edges: list[datetime]) -> pd.Series:
    """People who left (a channel, group or server) in each week, where platforms say so."""
    week = _week_of(MemberActivity.at, edges).label("week")
    query = (
        select(week, func.count(PERSON.distinct()))
        .join(Member, Member.id == MemberActivity.member_id)
        .where(
            MemberActivity.community_id == community_id,
            MemberActivity.kind == "leave",
            MemberActivity.at >= edges[0],
            MemberActivity.at < edges[-1],
            Member.is_bot.is_(False),
        )
        .group_by(week)
    )
    return pd.Series(dict(conn.execute(query).all()), dtype=int)


def new_members(conn: Connection, community_id: int, edges: list[datetime]) -> pd.Series:
    """People whose first message on any of their accounts (to the hour) falls in each week:
    the human accounts first seen in the weeks (ix_members_first_seen) that no
    other account of the same person was seen before."""
    earlier = aliased(Member)
    person = PERSON
    seen_before = (
        select(earlier.id)
        .where(
            or_(earlier.id == person, earlier.person_id == person),
            earlier.is_bot.is_(False),
            or_(
                earlier.first_seen_hour < Member.first_seen_hour,
                and_(earlier.first_seen_hour == Member.first_seen_hour, earlier.id < Member.id),
            ),
        )
        .exists()
    )
    week = _week_of(Member.first_seen_hour, edges).label("week")
    query = (
        select(week, func.count())
        .where(
            Member.community_id == community_id,
            Member.first_seen_hour >= edges[0],
            Member.first_seen_hour < edges[-1],
            Member.is_bot.is_(False),
            ~seen_before,
        )
        .group_by(week)
    )
    return pd.Series(dict(conn.execute(query).all()), dtype=int)


def channel_weeks(conn: Connection, community_id: int, edges: list[datetime]) -> pd.DataFrame:
    """Per (week, channel_id): messages, sentiment sum and count, negative count, and the
    messages of each kind (KIND_COUNT_COLUMNS)."""
    week = _week_of(ChannelHourly.hour, edges).label("week")
    columns = (
        "messages",
        "sentiment_sum",
        "sentiment_count",
        "negative_count",
        *KIND_COUNT_COLUMNS.values(),
    )
    query = (
        select(
            week,
            ChannelHourly.channel_id,
            *(func.sum(getattr(ChannelHourly, c)).label(c) for c in columns),
        )
        .where(
            ChannelHourly.community_id == community_id,
            ChannelHourly.hour >= edges[0],
            ChannelHourly.hour < edges[-1],
        )
        .group_by(week, ChannelHourly.channel_id)
    )
    return frame_of(conn, query)


def topic_weeks(conn: Connection, community_id: int, edges: list[datetime]) -> pd.DataFrame:
    """Per (week, topic_id): messages."""
    week = _week_of(TopicHourly.hour, edges).label("week")
    query = (
        select(week, TopicHourly.topic_id, func.sum(TopicHourly.messages).label("messages"))
        .where(
            TopicHourly.community_id == community_id,
            TopicHourly.hour >= edges[0],
            TopicHourly.hour < edges[-1],
        )
        .group_by(week, TopicHourly.topic_id)
    )
    return frame_of(conn, query)


def replying_sources(conn: Connection, community_id: int) -> list[int]:
    """The community's sources that record replies: those with at least one message that
    is a reply (a WeChat or WhatsApp text export, an IRC log has none). One probe of
    ix_messages_reply_to per source."""
    replied = (
        select(Message.id)
        .where(Message.source_id == Source.id, Message.reply_to_external_id.is_not(None))
        .limit(1)
        .scalar_subquery()
    )
    query = select(Source.id).where(Source.community_id == community_id, replied.is_not(None))
    return list(conn.scalars(query))


def questions(
    conn: Connection, community_id: int, edges: list[datetime], without_staff: bool = False
) -> pd.Series:
    """Top-level messages (not replies) with a question mark, per week, in the sources
    that record replies (in the others no answer could ever be seen: their questions
    are not asked of the response rate); staff's left out when `without_staff`."""
    week = _week_of(Message.sent_at, edges).label("week")
    query = (
        select(week, func.count())
        .join(Member, Member.id == Message.member_id)
        .where(
            or_(not without_staff, Member.is_staff.is_(False)),
            Message.community_id == community_id,
            among(Message.source_id, replying_sources(conn, community_id)),
            Message.sent_at >= edges[0],
            Message.sent_at < edges[-1],
            Message.reply_to_external_id.is_(None),
            Message.text.contains("?"),
        )
        .group_by(week)
    )
    return pd.Series(dict(conn.execute(query).all()), dtype=int)


def replies(
    conn: Connection, community_id: int, edges: list[datetime], without_staff: bool = False
) -> pd.DataFrame:
    """Each reply to a top-level message sent in the weeks: the parent's id, week, time,
    author and whether it asks a question, and the reply's author and time. Messages by
    staff are left out as parents when `without_staff` (their replies still answer)."""
    parent = aliased(Message)
    asker = aliased(Member)
    week = _week_of(parent.sent_at, edges).label("week")
    query = (
        select(
            parent.id.label("parent_id"),
            week,
            raw_time(parent.sent_at).label("asked_at"),
            parent.member_id.label("asker"),
            parent.text.contains("?").label("is_question"),
            Message.member_id.label("replier"),
            raw_time(Message.sent_at).label("replied_at"),
        )
        .join(
            parent,
            and_(
                parent.source_id == Message.source_id,
                parent.external_id == Message.reply_to_external_id,
            ),
        )
        .join(asker, asker.id == parent.member_id)
        .where(
            or_(not without_staff, asker.is_staff.is_(False)),
            Message.community_id == community_id,
            Message.sent_at >= edges[0],
            Message.sent_at < edges[-1] + ANSWER_GRACE,
            parent.sent_at >= edges[0],
            parent.sent_at < edges[-1],
            parent.reply_to_external_id.is_(None),
        )
    )
    return frame_of(conn, query, times=("asked_at", "replied_at"))


def channel_platforms(conn: Connection, community_id: int) -> pd.DataFrame:
    query = (
        select(Channel.id.label("channel_id"), Channel.name.label("channel"), Source.platform)
        .join(Source, Source.id == Channel.source_id)
        .where(Channel.community_id == community_id)
    )
    return frame_of(conn, query)


def channel_members(
    conn: Connection, community_id: int, start: datetime, end: datetime
) -> pd.DataFrame:
    """(member_id, channel_id) of each person who wrote in a channel in [start, end)."""
    query = (
        select(PERSON.label("member_id"), Message.channel_id)
        .join(Member, Member.id == Message.member_id)
        .where(
            Message.community_id == community_id,
            Message.sent_at >= start,
            Message.sent_at < end,
            Member.is_bot.is_(False),
        )
        .distinct()
    )
    return frame_of(conn, query)


def listed_messages() -> Select:
    """Messages as lists of them read them: id, sent_at, channel, author, member_id, person
    (merged accounts' one), text; filters and order are the caller's."""
    return (
        select(
            Message.id,
            raw_time(Message.sent_at).label("sent_at"),
            Channel.name.label("channel"),
            Member.display_name.label("author"),
            Message.member_id,
            PERSON.label("person"),
            Message.text,
        )
        .join(Channel, Channel.id == Message.channel_id)
        .join(Member, Member.id == Message.member_id)
    )


def messages_of_kind(
    conn: Connection,
    community_id: int,
    kind: str,
    start: datetime,
    end: datetime,
    sources: list[int] | None = None,
) -> pd.DataFrame:
    """id, sent_at, channel, author, member_id, person (merged accounts' one) and text of
    the top-level messages (not replies) of `kind` (analysis.kinds) sent in [start, end)
    by people (not bots), newest first; only those of `sources` when given."""
    query = (
        listed_messages()
        .where(
            Message.community_id == community_id,
            Message.sent_at >= start,
            Message.sent_at < end,
            Message.kind == kind,
            Message.reply_to_external_id.is_(None),
            Member.is_bot.is_(False),
        )
        .order_by(Message.sent_at.desc())
    )
    if sources is not None:
        query = query.where(among(Message.source_id, sources))
    return frame_of(conn, query, times=("sent_at",))
