"""Channels and members made as their first messages (or joins and reactions) arrive, in
the caller's transaction; a member's first hour moves earlier when an older message comes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Connection, Table, bindparam, select, update

from data_access.schema import Channel, Member
from data_access.sql import among, chunked, insert_new_rows, storage_time

MEMBERS: Table = Member.__table__


class Sent(Protocol):
    """What a member is made from: a message or a join, leave or reaction."""

    author_id: str
    author_name: str
    is_bot: bool
    author_email: str | None


_END_OF_TIME = datetime.max.replace(tzinfo=UTC)
_MEMBER_COLUMNS = (
    "community_id",
    "source_id",
    "external_id",
    "display_name",
    "is_bot",
    "first_seen_hour",
    "email",
)


def ensure_channels(
    conn: Connection, community_id: int, source_id: int, names: set[str]
) -> dict[str, int]:
    """Channel ids by name for `names` of the source, made where missing."""
    query = select(Channel.name, Channel.id).where(Channel.source_id == source_id)
    known = {name: id_ for name, id_ in conn.execute(query) if name in names}
    missing = [(community_id, source_id, name) for name in sorted(names - known.keys())]
    if missing:
        insert_new_rows(
            conn,
            "channels",
            ("community_id", "source_id", "name"),
            missing,
            ("source_id", "name"),
            ("id",),
        )
        known = {name: id_ for name, id_ in conn.execute(query) if name in names}
    return known


def ensure_members(
    conn: Connection,
    community_id: int,
    source_id: int,
    batch: Sequence[Sent],
    hours: Sequence[datetime],
) -> tuple[dict[str, int], list[tuple[int, datetime]]]:
    """Member ids by author id; also (member, old first hour) where a first hour moved earlier."""
    first_hour: dict[str, datetime] = {}
    latest: dict[str, Sent] = {}
    emails: dict[str, str] = {}  # an author's e-mail from any message that gives it
    for m, hour in zip(batch, hours, strict=True):
        if hour < first_hour.get(m.author_id, _END_OF_TIME):
            first_hour[m.author_id] = hour
        latest[m.author_id] = m
        if m.author_email:
            emails[m.author_id] = m.author_email
    known = _known_members(conn, source_id, list(first_hour))
    moved = [(id_, old) for a, (id_, old) in known.items() if first_hour[a] < old]
    if moved:
        conn.execute(
            update(MEMBERS)
            .where(MEMBERS.c.id == bindparam("member_id"))
            .values(first_seen_hour=bindparam("hour")),
            [
                {"member_id": id_, "hour": first_hour[a]}
                for a, (id_, old) in known.items()
                if first_hour[a] < old
            ],
        )
    dialect = conn.dialect.name
    new = [
        (
            community_id,
            source_id,
            author,
            latest[author].author_name,
            latest[author].is_bot,
            storage_time(first_hour[author], dialect),
            emails.get(author),
        )
        for author in first_hour
        if author not in known
    ]
    ids = {author: id_ for author, (id_, _) in known.items()}
    key, returned = ("source_id", "external_id"), ("external_id", "id")
    ids.update(insert_new_rows(conn, "members", _MEMBER_COLUMNS, new, key, returned))
    raced = [row[2] for row in new if row[2] not in ids]  # stored meanwhile by another writer
    ids.update((a, id_) for a, (id_, _) in _known_members(conn, source_id, raced).items())
    return ids, moved


def _known_members(
    conn: Connection, source_id: int, authors: list[str]
) -> dict[str, tuple[int, datetime]]:
    """(member id, first hour) of those of `authors` the source already has."""
    known: dict[str, tuple[int, datetime]] = {}
    for ids in chunked(authors, 500):
        query = select(Member.external_id, Member.id, Member.first_seen_hour).where(
            Member.source_id == source_id, among(Member.external_id, ids)
        )
        known.update((ext, (id_, hour)) for ext, id_, hour in conn.execute(query))
    return known
