"""What a member's profile reads about one person (their accounts): their messages of a
period, the topics of those, whom they replied to and who replied to them. Every read goes
down ix_messages_member_sent (or the reply index), so its cost follows the person, not the
community."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, Select, and_, func, select
from sqlalchemy.orm import aliased

from data_access.frames import frame_of, raw_time
from data_access.kpi_queries import PERSON, listed_messages, of_persons
from data_access.member_weeks import TURN_MINUTES, conversation_turns
from data_access.schema import Channel, Member, Message, MessageTopic, Topic
from data_access.sql import among, chunked

MOST_MESSAGES = 5000  # the newest this many of the period are read
HOURS_A_QUERY = 1000  # a channel's hours read at once, around a person's messages


def person_activity(
    conn: Connection, accounts: list[int], since: datetime, limit: int = MOST_MESSAGES
) -> pd.DataFrame:
    """The accounts' messages sent since `since`, newest first (at most `limit`): id,
    sent_at, channel, kind, sentiment, language, text, top (not a reply). Read account by
    account, each down its own (member_id, sent_at) index newest first, stopping at
    `limit`: a person with 300,000 messages costs no more than one with 5,000."""
    found = [
        frame_of(conn, person_activity_query(account, since, limit), times=("sent_at",))
        for account in accounts
    ]
    merged = (
        pd.concat(found, ignore_index=True)
        if found
        else frame_of(conn, person_activity_query(0, since, 0), times=("sent_at",))
    )
    newest = merged.sort_values(["sent_at", "id"], ascending=False, kind="stable")
    return newest.head(limit).reset_index(drop=True)


def person_activity_query(account: int, since: datetime, limit: int) -> Select:
    return (
        select(
            Message.id,
            raw_time(Message.sent_at).label("sent_at"),
            Message.channel_id,
            Message.source_id,
            Channel.name.label("channel"),
            Message.kind,
            Message.sentiment,
            Message.language,
            Message.text,
            Message.reply_to_external_id.is_(None).label("top"),
        )
        .join(Channel, Channel.id == Message.channel_id)
        .where(Message.member_id == account, Message.sent_at >= since)
        .order_by(Message.sent_at.desc())
        .limit(limit)
    )


def topics_of(conn: Connection, message_ids: list[int], since: datetime) -> pd.DataFrame:
    """topic, messages: how many of these messages (sent since `since`: PostgreSQL reads
    those months alone) each topic tagged."""
    if not message_ids:
        return pd.DataFrame(columns=["topic", "messages"])
    query = (
        select(Topic.name.label("topic"), func.count().label("messages"))
        .join(MessageTopic, MessageTopic.topic_id == Topic.id)
        .where(among(MessageTopic.message_id, message_ids), MessageTopic.sent_at >= since)
        .group_by(Topic.name)
        .order_by(func.count().desc(), Topic.name)
    )
    return frame_of(conn, query)


def replied_to(conn: Connection, accounts: list[int], since: datetime) -> pd.DataFrame:
    """Whom the accounts replied to since `since`: person, replies (other people only)."""
    mine, parent = aliased(Message), aliased(Message)
    query = (
        select(PERSON.label("person"), func.count().label("replies"))
        .select_from(mine)
        .join(
            parent,
            and_(
                parent.source_id == mine.source_id,
                parent.external_id == mine.reply_to_external_id,
            ),
        )
        .join(Member, Member.id == parent.member_id)
        .where(
            among(mine.member_id, accounts),
            mine.sent_at >= since,
            ~among(parent.member_id, accounts),
        )
        .group_by(PERSON)
    )
    return frame_of(conn, query).sort_values(["replies", "person"], ascending=[False, True])


def replies_received(conn: Connection, accounts: list[int], since: datetime) -> pd.DataFrame:
    """The replies other people gave to the accounts' messages sent since `since`:
    message_id (theirs), person (who replied), replied_at."""
    mine, reply = aliased(Message), aliased(Message)
    query = (
        select(
            mine.id.label("message_id"),
            PERSON.label("person"),
            raw_time(reply.sent_at).label("replied_at"),
        )
        .select_from(mine)
        .join(
            reply,
            and_(
                reply.source_id == mine.source_id,
                reply.reply_to_external_id == mine.external_id,
            ),
        )
        .join(Member, Member.id == reply.member_id)
        .where(
            among(mine.member_id, accounts),
            mine.sent_at >= since,
            reply.sent_at >= since,  # a reply comes after: PostgreSQL reads those months alone
            ~among(reply.member_id, accounts),
        )
    )
    return frame_of(conn, query, times=("replied_at",))


def conversation_partners(
    conn: Connection, person: int, activity: pd.DataFrame, replying: list[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(given, received) as replied_to and replies_received give them (person, replies;
    person), read from the conversation's turns around the person's messages in
    `activity` that are in sources recording no replies (not in `replying`): the turns
    member_weeks counts (a message within TURN_MINUTES of another person's in the same
    channel), so a WeChat or QQ group's members have partners on their profile as in
    their weeks. Reads the channel's messages of the hours around each of theirs, down
    ix_messages_channel_hour_member."""
    chat = activity[~activity["source_id"].isin(replying)]
    around = _channel_hours_around(chat)
    found = [
        frame_of(conn, _channel_messages_query(channel, some))
        for channel, hours in around.items()
        for some in chunked(hours, HOURS_A_QUERY)
    ]
    if not found:
        return pd.DataFrame({"person": [], "replies": []}), pd.DataFrame({"person": []})
    turns = conversation_turns(pd.concat(found, ignore_index=True).assign(week=0), replying)
    given = turns[(turns["person"] == person) & (turns["to"] != person)]
    given = given.groupby("to").size().rename_axis("person").reset_index(name="replies")
    received = turns.loc[(turns["to"] == person) & (turns["person"] != person), ["person"]]
    return given, received.reset_index(drop=True)


def _channel_hours_around(messages: pd.DataFrame) -> dict[int, list[datetime]]:
    """channel_id -> the hours that hold each message's neighbours within TURN_MINUTES:
    its own, and the one before or after when it is that close to the hour's edge."""
    sent = pd.to_datetime(messages["sent_at"], utc=True, format="ISO8601")
    reach = pd.Timedelta(minutes=TURN_MINUTES)
    hours = pd.concat(
        [
            pd.DataFrame({"channel": messages["channel_id"], "hour": (sent + shift).dt.floor("h")})
            for shift in (-reach, pd.Timedelta(0), reach)
        ]
    ).drop_duplicates()
    return {
        int(channel): sorted(group["hour"].dt.to_pydatetime())
        for channel, group in hours.groupby("channel")
    }


def _channel_messages_query(channel: int, hours: list[datetime]) -> Select:
    return (
        select(
            Message.id,
            PERSON.label("person"),
            Message.channel_id,
            Message.source_id,
            raw_time(Message.sent_at).label("sent_at"),
        )
        .join(Member, and_(Member.id == Message.member_id, Member.is_bot.is_(False)))
        .where(
            Message.channel_id == channel,
            Message.hour.in_(hours),
            Message.sent_at >= hours[0],  # PostgreSQL reads those months alone
            Message.sent_at < hours[-1] + timedelta(hours=1),
        )
    )


def accounts_of(conn: Connection, community_id: int, persons: list[int]) -> list[int]:
    """The account ids of these people (their own and those merged into them)."""
    if not persons:
        return []
    query = select(Member.id).where(Member.community_id == community_id, of_persons(persons))
    return [int(account) for account in conn.scalars(query)]


def questions_asked(
    conn: Connection,
    accounts: list[int],
    start: datetime,
    end: datetime,
    sources: list[int] | None = None,
) -> pd.DataFrame:
    """The top-level questions (kind) the accounts asked in [start, end) (in `sources`
    when given), as kpi_queries.messages_of_kind gives them: id, sent_at, channel,
    author, member_id, person, text."""
    query = questions_asked_query(accounts, start, end, sources)
    return frame_of(conn, query, times=("sent_at",))


def questions_asked_query(
    accounts: list[int], start: datetime, end: datetime, sources: list[int] | None = None
) -> Select:
    query = listed_messages().where(
        among(Message.member_id, accounts),
        Message.sent_at >= start,
        Message.sent_at < end,
        Message.kind == "question",
        Message.reply_to_external_id.is_(None),
    )
    return query if sources is None else query.where(among(Message.source_id, sources))


def replies_to(conn: Connection, message_ids: list[int], before: datetime) -> pd.DataFrame:
    """The replies sent before `before` to these messages: parent_id, asker and replier
    (account ids), as kpi_queries.replies names them."""
    parent = aliased(Message)
    query = (
        select(
            parent.id.label("parent_id"),
            parent.member_id.label("asker"),
            Message.member_id.label("replier"),
        )
        .select_from(parent)
        .join(
            Message,
            and_(
                Message.source_id == parent.source_id,
                Message.reply_to_external_id == parent.external_id,
            ),
        )
        .where(among(parent.id, message_ids), Message.sent_at < before)
    )
    return frame_of(conn, query)
