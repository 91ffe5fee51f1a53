"""What staff keep about members: tags and notes on a person, and saved segments. Every
change is audited; managers and up may keep them (access.permissions)."""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from access.permissions import Action, Actor, require
from analysis.segments import BadSegment, People, Segment
from data_access import audit
from data_access.frames import frame_of, raw_time
from data_access.kpi_queries import PERSON
from data_access.schema import Member, MemberNote, MemberTag, Source
from data_access.schema import Segment as SavedSegment

TAG_PATTERN = re.compile(r"^[\w][\w .+&/-]{0,59}$")  # letters of any script, digits, a few marks
NOTE_LONGEST = 4000


class BadNote(ValueError):
    pass


def clean_tag(tag: str) -> str:
    tag = " ".join(tag.split()).lower()
    if not TAG_PATTERN.match(tag):
        raise BadNote(
            "a tag is 1 to 60 letters, digits, spaces or . + & / - and starts with a letter"
        )
    return tag


def add_tag(engine: Engine, community_id: int, person: int, tag: str, *, actor, now) -> str:
    require(actor, Action.KEEP_MEMBER_NOTES)
    tag = clean_tag(tag)
    with engine.begin() as conn:
        exists = conn.scalar(
            select(func.count()).where(
                MemberTag.community_id == community_id,
                MemberTag.person_id == person,
                MemberTag.tag == tag,
            )
        )
        if not exists:
            conn.execute(
                insert(MemberTag).values(
                    community_id=community_id,
                    person_id=person,
                    tag=tag,
                    added_by=actor.name,
                    added_at=now,
                )
            )
            audit.record(conn, now, actor.name, "member.tag", f"person {person}", None, tag)
    return tag


def remove_tag(engine: Engine, community_id: int, person: int, tag: str, *, actor, now) -> None:
    require(actor, Action.KEEP_MEMBER_NOTES)
    with engine.begin() as conn:
        gone = conn.execute(
            delete(MemberTag).where(
                MemberTag.community_id == community_id,
                MemberTag.person_id == person,
                MemberTag.tag == tag,
            )
        ).rowcount
        if gone:
            audit.record(conn, now, actor.name, "member.untag", f"person {person}", tag, None)


def add_note(engine: Engine, community_id: int, person: int, text: str, *, actor, now) -> None:
    require(actor, Action.KEEP_MEMBER_NOTES)
    text = text.strip()
    if not text:
        raise BadNote("the note is empty")
    if len(text) > NOTE_LONGEST:
        raise BadNote(f"a note holds at most {NOTE_LONGEST} characters")
    with engine.begin() as conn:
        conn.execute(
            insert(MemberNote).values(
                community_id=community_id,
                person_id=person,
                text=text,
                written_by=actor.name,
                written_at=now,
            )
        )
        audit.record(conn, now, actor.name, "member.note", f"person {person}", None, text)


def tags_of(conn: Connection, community_id: int, person: int) -> list[str]:
    query = (
        select(MemberTag.tag)
        .where(MemberTag.community_id == community_id, MemberTag.person_id == person)
        .order_by(MemberTag.tag)
    )
    return list(conn.scalars(query))


def notes_of(conn: Connection, community_id: int, person: int) -> pd.DataFrame:
    """A person's notes, newest first: written_at, written_by, text."""
    query = (
        select(MemberNote.written_at, MemberNote.written_by, MemberNote.text)
        .where(MemberNote.community_id == community_id, MemberNote.person_id == person)
        .order_by(MemberNote.written_at.desc(), MemberNote.id.desc())
    )
    return frame_of(conn, query, times=("written_at",))


def all_tags(conn: Connection, community_id: int) -> list[str]:
    query = select(MemberTag.tag).where(MemberTag.community_id == community_id).distinct()
    return sorted(conn.scalars(query))


def forget_person(conn: Connection, community_id: int, person: int) -> int:
    """Remove a person's tags and notes (forgetting a member); returns how many."""
    removed = 0
    for table in (MemberTag, MemberNote):
        removed += conn.execute(
            delete(table).where(table.community_id == community_id, table.person_id == person)
        ).rowcount
    return removed


def people_facts(conn: Connection, community_id: int) -> People:
    """What segments read of every human person: the platforms they have accounts on,
    when they were first seen (over their accounts), their tags."""
    accounts = frame_of(
        conn,
        select(
            PERSON.label("person"),
            Source.platform,
            raw_time(Member.first_seen_hour).label("first_seen"),
        )
        .join(Source, Source.id == Member.source_id)
        .where(Member.community_id == community_id, Member.is_bot.is_(False)),
        times=("first_seen",),
    )
    tags = frame_of(
        conn,
        select(MemberTag.person_id.label("person"), MemberTag.tag).where(
            MemberTag.community_id == community_id
        ),
    )
    return People(
        accounts[["person", "platform"]].drop_duplicates(ignore_index=True),
        tags,
        accounts.groupby("person")["first_seen"].min(),
    )


def saved_segments(conn: Connection, community_id: int) -> dict[str, Segment]:
    query = (
        select(SavedSegment.name, SavedSegment.definition)
        .where(SavedSegment.community_id == community_id)
        .order_by(SavedSegment.name)
    )
    return {name: Segment.from_json(definition) for name, definition in conn.execute(query)}


def save_segment(
    engine: Engine, community_id: int, name: str, segment: Segment, *, actor: Actor, now: datetime
) -> None:
    """Save (or replace) a segment under its name; audited with the old and new filters."""
    require(actor, Action.KEEP_MEMBER_NOTES)
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise BadSegment("a segment's name is 1 to 100 characters")
    definition = segment.to_json()
    with engine.begin() as conn:
        old = conn.scalar(
            select(SavedSegment.definition).where(
                SavedSegment.community_id == community_id, SavedSegment.name == name
            )
        )
        values = {"definition": definition, "saved_by": actor.name, "saved_at": now}
        if old is None:
            conn.execute(
                insert(SavedSegment).values(community_id=community_id, name=name, **values)
            )
        else:
            conn.execute(
                update(SavedSegment)
                .where(SavedSegment.community_id == community_id, SavedSegment.name == name)
                .values(**values)
            )
        audit.record(conn, now, actor.name, "segment.save", name, old, definition)


def delete_segment(engine: Engine, community_id: int, name: str, *, actor, now) -> None:
    require(actor, Action.KEEP_MEMBER_NOTES)
    with engine.begin() as conn:
        old = conn.scalar(
            select(SavedSegment.definition).where(
                SavedSegment.community_id == community_id, SavedSegment.name == name
            )
        )
        if old is None:
            raise BadSegment(f"there is no segment {name!r}")
        conn.execute(
            delete(SavedSegment).where(
                SavedSegment.community_id == community_id, SavedSegment.name == name
            )
        )
        audit.record(conn, now, actor.name, "segment.delete", name, old, None)
