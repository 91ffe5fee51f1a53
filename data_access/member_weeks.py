"""Each person's weeks (analysis.lifecycle): what they did in a week, read from that week's
messages and reactions only, and the stored rows the worker keeps and the Members page
reads. A person is a member with the accounts merged into it (`person_id`); bots are
left out."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Select, and_, delete, func, insert, or_, select
from sqlalchemy.orm import aliased

from analysis.lifecycle import ACTIVITY
from data_access.frames import driver_frame, frame_of, raw_time
from data_access.kpi_queries import PERSON, _week_of, replying_sources
from data_access.schema import (
    Member,
    MemberActivity,
    MemberWeek,
    MemberWeekCount,
    MemberWeekTally,
    Message,
    MessageTopic,
    Source,
)
from data_access.sql import insert_rows

COLUMNS = ("week", "person", *ACTIVITY, "partners")
TURN_MINUTES = 5  # a message this soon after another person's, where replies are not recorded
TRAITS = ("channels", "topics", "languages", "kinds")  # where and what they wrote
STORED = (*COLUMNS, *TRAITS)


def week_activity(conn: Connection, community_id: int, edges: list[datetime]) -> pd.DataFrame:
    """(week index into `edges`, person, messages, replies_given, replies_received,
    threads_started, answers, reactions, partners, channels, topics, languages, kinds) of
    every person who wrote or reacted in the weeks [edges[0], edges[-1]). A reply counts
    for both people when they are two (its parent may be older than the weeks); a thread
    is a top-level message of the weeks that someone else replied to; an answer, a reply
    to someone else's question. In a source that records no replies (a WeChat, QQ or
    WhatsApp export, an IRC log) a conversation's turns count as replies instead (see
    `conversation_turns`). The traits are words: see `traits`."""
    week = _week_of(Message.sent_at, edges).label("week")
    in_weeks = and_(
        Message.community_id == community_id,
        Message.sent_at >= edges[0],
        Message.sent_at < edges[-1],
        Member.is_bot.is_(False),
    )
    wrote = frame_of(
        conn,
        select(
            week,
            PERSON.label("person"),
            Message.id,
            Message.reply_to_external_id,
            Message.channel_id,
            Message.source_id,
            raw_time(Message.sent_at),
            Message.language,
            Message.kind,
        )
        .join(Member, Member.id == Message.member_id)
        .where(in_weeks),
    )
    about = frame_of(
        conn,
        select(week, PERSON.label("person"), MessageTopic.topic_id)
        .join(
            MessageTopic,
            and_(MessageTopic.message_id == Message.id, MessageTopic.sent_at == Message.sent_at),
        )
        .join(Member, Member.id == Message.member_id)
        .where(in_weeks)
        .distinct(),
    )
    parent, author = aliased(Message), aliased(Member)
    replied = frame_of(
        conn,
        select(
            week,
            PERSON.label("person"),
            func.coalesce(author.person_id, author.id).label("to"),
            parent.id.label("parent_id"),
            parent.kind.label("parent_kind"),
            (parent.reply_to_external_id.is_(None)).label("parent_top"),
        )
        .join(Member, Member.id == Message.member_id)
        .join(
            parent,
            and_(
                parent.source_id == Message.source_id,
                parent.external_id == Message.reply_to_external_id,
            ),
        )
        .join(author, and_(author.id == parent.member_id, author.is_bot.is_(False)))
        .where(in_weeks),
    )
    reacted = frame_of(
        conn,
        select(_week_of(MemberActivity.at, edges).label("week"), PERSON.label("person"))
        .join(Member, Member.id == MemberActivity.member_id)
        .where(
            MemberActivity.community_id == community_id,
            MemberActivity.kind == "reaction",
            MemberActivity.at >= edges[0],
            MemberActivity.at < edges[-1],
            Member.is_bot.is_(False),
        ),
    )
    turns = conversation_turns(wrote, replying_sources(conn, community_id))
    counts = tally(wrote, pd.concat([replied, turns], ignore_index=True), reacted)
    return counts.merge(traits(wrote, about), on=["week", "person"], how="left").fillna(
        {trait: "" for trait in TRAITS}
    )


def conversation_turns(wrote: pd.DataFrame, replying: list[int]) -> pd.DataFrame:
    """Replies read from a conversation's turns, in the sources that record no replies
    (not in `replying`): a message that follows another person's in the same channel
    within TURN_MINUTES answers that person, as `replied` rows (week, person, to,
    parent_id; neither a thread started nor an answer to a question: those need a
    recorded reply). A group chat export would otherwise give no one a reply, a partner,
    or a vital week."""
    chat = wrote[~wrote["source_id"].isin(replying)]  # the time as read: converted only here
    chat = chat.assign(sent_at=pd.to_datetime(chat["sent_at"], utc=True, format="ISO8601"))
    chat = chat.sort_values(["channel_id", "sent_at", "id"])
    before = chat.shift()
    turn = (
        chat["channel_id"].eq(before["channel_id"])
        & chat["person"].ne(before["person"])
        & (chat["sent_at"] - before["sent_at"] <= pd.Timedelta(minutes=TURN_MINUTES))
    )
    return pd.DataFrame(
        {
            "week": chat["week"][turn].to_numpy(),
            "person": chat["person"][turn].to_numpy(),
            "to": before["person"][turn].to_numpy(dtype=np.int64),
            "parent_id": before["id"][turn].to_numpy(dtype=np.int64),
            "parent_kind": None,
            "parent_top": False,
        }
    )


def tally(wrote: pd.DataFrame, replied: pd.DataFrame, reacted: pd.DataFrame) -> pd.DataFrame:
    """The per-person week counts from the rows read (pure pandas; see week_activity)."""
    key = ["week", "person"]
    counts = [wrote.groupby(key).size().rename("messages")]
    to_others = replied[replied["person"] != replied["to"]]
    counts.append(to_others.groupby(key).size().rename("replies_given"))
    received = to_others.assign(person=to_others["to"])
    counts.append(received.groupby(key).size().rename("replies_received"))
    week_of_message = wrote.set_index("id")["week"]
    threads = to_others[
        to_others["parent_top"].astype(bool) & to_others["parent_id"].isin(week_of_message.index)
    ].drop_duplicates("parent_id")
    started = pd.DataFrame(  # in the week the thread's first message was written
        {
            "week": week_of_message[threads["parent_id"]].to_numpy(),
            "person": threads["to"].to_numpy(),
        }
    )
    counts.append(started.groupby(key).size().rename("threads_started"))
    answers = to_others[to_others["parent_kind"] == "question"]
    counts.append(answers.groupby(key).size().rename("answers"))
    counts.append(reacted.groupby(key).size().rename("reactions"))
    pairs = pd.concat(
        [to_others[[*key, "to"]], received[["week", "person"]].assign(to=to_others["person"])]
    )
    counts.append(pairs.drop_duplicates().groupby(key).size().rename("partners"))
    table = pd.concat(counts, axis=1).fillna(0).astype("int64").reset_index()
    return table.reindex(columns=list(COLUMNS), fill_value=0)


def traits(wrote: pd.DataFrame, about: pd.DataFrame) -> pd.DataFrame:
    """Per person and week, the channel ids, topic ids, languages and kinds of message of
    what they wrote, each as sorted words joined by spaces (pure pandas and numpy: one sort
    per trait, no Python call per person)."""
    key = ["week", "person"]
    columns = {
        "channels": wrote[[*key, "channel_id"]],
        "topics": about[[*key, "topic_id"]],
        "languages": wrote[[*key, "language"]],
        "kinds": wrote[[*key, "kind"]],
    }
    joined = [_joined_words(rows.set_axis([*key, "word"], axis=1)).rename(trait)
              for trait, rows in columns.items()]  # fmt: skip
    if all(part.empty for part in joined):
        return pd.DataFrame(columns=[*key, *TRAITS])
    return pd.concat(joined, axis=1).fillna("").reset_index()


def _joined_words(rows: pd.DataFrame) -> pd.Series:
    """(week, person) -> their distinct words, sorted (numbers as numbers), space-joined."""
    rows = rows.dropna().drop_duplicates()
    if rows.empty:
        return pd.Series(
            dtype=object, index=pd.MultiIndex.from_arrays([[], []], names=["week", "person"])
        )
    rows = rows.sort_values(["week", "person", "word"], ignore_index=True)
    week, person = rows["week"].to_numpy(), rows["person"].to_numpy()
    starts = np.flatnonzero(np.r_[True, (week[1:] != week[:-1]) | (person[1:] != person[:-1])])
    words = rows["word"].astype(str).tolist()
    ends = [*starts[1:].tolist(), len(words)]
    text = [" ".join(words[a:b]) for a, b in zip(starts.tolist(), ends, strict=True)]
    index = pd.MultiIndex.from_arrays([week[starts], person[starts]], names=["week", "person"])
    return pd.Series(text, index=index, dtype=object)


def first_seen(conn: Connection, community_id: int) -> pd.DataFrame:
    """(person, first_seen): when each human person was first seen (their first message,
    reaction or join, over their merged accounts). Reads the members, not the messages."""
    query = (
        select(PERSON.label("person"), func.min(Member.first_seen_hour).label("first_seen"))
        .where(Member.community_id == community_id, Member.is_bot.is_(False))
        .group_by(PERSON)
    )
    return frame_of(conn, query, times=("first_seen",))


def person_names(conn: Connection, persons: list[int]) -> dict[int, str]:
    """Each person's name: their own account's display name, told apart where two of
    these people share one ("Ana (discord)", "Ana (slack)"; on one platform, with the
    account's id too)."""
    if not persons:
        return {}
    query = (
        select(Member.id, Member.display_name, Source.platform, Member.external_id)
        .join(Source, Source.id == Member.source_id)
        .where(Member.id.in_(sorted(set(persons))))
    )
    return told_apart([tuple(row) for row in conn.execute(query)])


def told_apart(accounts: list[tuple[int, str, str, str]]) -> dict[int, str]:
    """id -> name from (id, display name, platform, account id): a name shared by
    several gets its platform, and its account id where the platform is shared too."""
    named: dict[str, int] = {}
    on: dict[tuple[str, str], int] = {}
    for _id, name, platform, _account in accounts:
        named[name] = named.get(name, 0) + 1
        on[(name, platform)] = on.get((name, platform), 0) + 1
    shown = {}
    for id_, name, platform, account in accounts:
        if named[name] == 1:
            shown[int(id_)] = name
        elif on[(name, platform)] == 1:
            shown[int(id_)] = f"{name} ({platform})"
        else:
            shown[int(id_)] = f"{name} ({platform} {account})"
    return shown


def load(
    conn: Connection,
    community_id: int,
    timezone: str,
    weeks: list[str],
    traits=TRAITS,
    activity: bool = True,
) -> pd.DataFrame:
    """The stored rows of `weeks` (week as its name), with the trait columns `traits`, and
    what each person did (ACTIVITY, partners) when `activity`."""
    done = (*ACTIVITY, "partners") if activity else ()
    columns = [getattr(MemberWeek, c) for c in ("week", "person_id", "active", *done)]
    columns += [MemberWeek.state, MemberWeek.engagement, MemberWeek.level]
    columns += [getattr(MemberWeek, trait) for trait in traits]
    columns += [MemberWeek.last_active]
    query = select(*columns).where(
        MemberWeek.community_id == community_id,
        MemberWeek.timezone == timezone,
        MemberWeek.week.in_(weeks),
    )
    # through the driver: a segment's reading loads a row per person and week (300,000)
    found = driver_frame(conn, query).rename(columns={"person_id": "person"})
    return found.astype({"active": bool})


def tallies(conn: Connection, community_id: int, timezone: str, tally: str) -> pd.DataFrame:
    """week (name), category, target, people: the stored tally of every week kept."""
    query = select(
        MemberWeekTally.week,
        MemberWeekTally.category,
        MemberWeekTally.target,
        MemberWeekTally.people,
    ).where(
        MemberWeekTally.community_id == community_id,
        MemberWeekTally.timezone == timezone,
        MemberWeekTally.tally == tally,
    )
    return frame_of(conn, query)


def replace_tallies(
    conn: Connection, community_id: int, timezone: str, weeks: list[str], table: pd.DataFrame
) -> None:
    """Replace the stored tallies of `weeks` with `table` (week as its name)."""
    conn.execute(
        delete(MemberWeekTally).where(
            MemberWeekTally.community_id == community_id,
            MemberWeekTally.timezone == timezone,
            MemberWeekTally.week.in_(weeks),
        )
    )
    if table.empty:
        return
    columns = ["community_id", "timezone", "week", "tally", "category", "target", "people"]
    values = table.assign(community_id=community_id, timezone=timezone)[columns]
    insert_rows(conn, MemberWeekTally.__tablename__, columns, values.astype(object).values.tolist())


PEOPLE_LISTED = 25  # the people a list of the Members page shows


def people_to_reach(
    conn: Connection, community_id: int, timezone: str, week: str, which: str
) -> pd.DataFrame:
    """person, level, engagement and growth of one list of `week`: "at risk", those newly
    at risk (not the week before), most engaged first; "rising", those whose engagement
    grew most over lifecycle.RISING_OVER weeks (PEOPLE_LISTED of each at most); "new",
    every newcomer of the week (by person id)."""
    found = frame_of(conn, people_to_reach_query(community_id, timezone, week, which))
    # newcomers sorted here: ORDER BY person_id led SQLite down the person index, every row
    return found.sort_values("person", ignore_index=True) if which == "new" else found


def people_to_reach_query(community_id: int, timezone: str, week: str, which: str) -> Select:
    query = select(
        MemberWeek.person_id.label("person"),
        MemberWeek.level,
        MemberWeek.engagement,
        MemberWeek.growth,
    ).where(
        MemberWeek.community_id == community_id,
        MemberWeek.timezone == timezone,
        MemberWeek.week == week,
    )
    if which == "new":
        return query.where(MemberWeek.state == "new")
    if which == "at risk":
        newly = or_(MemberWeek.previous_state.is_(None), MemberWeek.previous_state != "at risk")
        query = query.where(MemberWeek.state == "at risk", newly)
        query = query.order_by(MemberWeek.engagement.desc(), MemberWeek.person_id)
    else:
        query = query.where(MemberWeek.growth > 0)
        query = query.order_by(MemberWeek.growth.desc(), MemberWeek.person_id)
    return query.limit(PEOPLE_LISTED)


def replace(
    conn: Connection, community_id: int, timezone: str, weeks: list[str], rows: pd.DataFrame
) -> None:
    """Replace the stored rows of `weeks` with `rows` (week as its name)."""
    conn.execute(
        delete(MemberWeek).where(
            MemberWeek.community_id == community_id,
            MemberWeek.timezone == timezone,
            MemberWeek.week.in_(weeks),
        )
    )
    if rows.empty:
        return
    values = rows.rename(columns={"person": "person_id"}).assign(
        community_id=community_id, timezone=timezone
    )
    columns = [c.name for c in MemberWeek.__table__.columns if c.name != "id"]
    values = values.astype({"active": bool})[columns].astype(object)
    values = values.where(values.notna(), None)  # a week with no state: NULL
    # through the driver: a first count writes a row per person and week (a million)
    insert_rows(conn, MemberWeek.__tablename__, columns, values.to_numpy().tolist())


def forget_before(conn: Connection, community_id: int, timezone: str, oldest: str) -> None:
    """Remove the stored weeks older than `oldest` (ISO week names sort as they come)."""
    for table in (MemberWeek, MemberWeekCount, MemberWeekTally):
        conn.execute(
            delete(table).where(
                table.community_id == community_id,
                table.timezone == timezone,
                table.week < oldest,
            )
        )


def counted(conn: Connection, community_id: int, timezone: str) -> dict[str, int]:
    """week name -> the messages it held when its member weeks were counted."""
    rows = conn.execute(
        select(MemberWeekCount.week, MemberWeekCount.messages).where(
            MemberWeekCount.community_id == community_id, MemberWeekCount.timezone == timezone
        )
    ).all()
    return dict(rows)


def stored_weeks(conn: Connection, community_id: int) -> tuple[str, list[str]] | None:
    """The time zone the worker counts the community's weeks in (the one with the newest
    counted week) and its counted weeks, oldest first; None before any was counted."""
    rows = conn.execute(
        select(MemberWeekCount.timezone, MemberWeekCount.week).where(
            MemberWeekCount.community_id == community_id
        )
    ).all()
    if not rows:
        return None
    timezone = max(rows, key=lambda row: row.week).timezone
    return timezone, sorted(week for zone, week in rows if zone == timezone)


def mark_counted(conn: Connection, community_id: int, timezone: str, counts: dict[str, int]):
    if not counts:
        return
    conn.execute(
        delete(MemberWeekCount).where(
            MemberWeekCount.community_id == community_id,
            MemberWeekCount.timezone == timezone,
            MemberWeekCount.week.in_(list(counts)),
        )
    )
    conn.execute(
        insert(MemberWeekCount),
        [
            {"community_id": community_id, "timezone": timezone, "week": w, "messages": n}
            for w, n in counts.items()
        ],
    )


def person_accounts(conn: Connection, community_id: int, person: int) -> pd.DataFrame:
    """The accounts of a person (its own and those merged into it): id, platform, source,
    account id, name, first seen."""
    from data_access.schema import Source

    query = (
        select(
            Member.id,
            Source.platform,
            Source.name.label("source"),
            Member.external_id.label("account"),
            Member.display_name.label("name"),
            Member.first_seen_hour.label("first_seen"),
        )
        .join(Source, Source.id == Member.source_id)
        .where(Member.community_id == community_id, person == PERSON)
        .order_by(Member.first_seen_hour)
    )
    return frame_of(conn, query)


def person_history(conn: Connection, community_id: int, timezone: str, person: int):
    """Every stored week of a person, oldest first."""
    columns = [getattr(MemberWeek, c) for c in ("week", "active", *ACTIVITY)]
    columns += [MemberWeek.partners, MemberWeek.state, MemberWeek.engagement, MemberWeek.level]
    query = select(*columns).where(
        MemberWeek.community_id == community_id,
        MemberWeek.timezone == timezone,
        MemberWeek.person_id == person,
    )
    # sorted here: ORDER BY week led SQLite down the (community, timezone, week) index,
    # every person's rows, instead of this person's own
    return frame_of(conn, query).sort_values("week", ignore_index=True)
