"""Forgetting a member: the way to honour a deletion request.

A member is a person: the account named and every account merged with it (People page)
are forgotten together. Their texts are emptied, their names, handles and e-mails
replaced, and the analysts' identity decisions about them (whose evidence quotes names)
removed, and so are the tags and notes staff kept on them, so nothing ties them to anyone
any more. The rows themselves stay, anonymous,
and so do the merges among them (they now join nameless accounts): the counts behind
past weeks (messages, active, new and returning members, sentiment, the hourly rollups,
the stored weekly figures) do not change. Audited without the name: the entry says which
member ids were forgotten and how much was removed. Admins only: it cannot be undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, or_, select, update

from access.permissions import Action, Actor, require
from data_access import audit, member_notes
from data_access.schema import IdentityDecision, Member, Message
from data_access.sql import among

FORGOTTEN_NAME = "forgotten member"


class UnknownMember(ValueError):
    pass


@dataclass(frozen=True)
class Forgotten:
    member_ids: tuple[int, ...]  # the account named first, then its merged accounts
    texts: int  # messages whose text was emptied
    decisions: int  # identity decisions (with their evidence) removed
    notes: int = 0  # staff's tags and notes on them removed


def forget_member(
    engine: Engine, community_id: int, member_id: int, *, actor: Actor, now: datetime
) -> Forgotten:
    require(actor, Action.MANAGE_USERS)
    with engine.begin() as conn:
        found = conn.execute(
            select(Member.id, Member.person_id).where(
                Member.id == member_id, Member.community_id == community_id
            )
        ).first()
        if found is None:
            raise UnknownMember(f"no member {member_id} in this community")
        person = found.person_id or found.id
        others = conn.scalars(
            select(Member.id).where(
                Member.community_id == community_id,
                or_(Member.id == person, Member.person_id == person),
                Member.id != member_id,
            )
        ).all()
        accounts = (member_id, *sorted(others))
        texts = conn.execute(
            update(Message)
            .where(Message.community_id == community_id, among(Message.member_id, accounts))
            .values(text="")
        ).rowcount
        decisions = conn.execute(
            delete(IdentityDecision).where(
                or_(
                    among(IdentityDecision.primary_id, accounts),
                    among(IdentityDecision.member_id, accounts),
                )
            )
        ).rowcount
        for account in accounts:
            conn.execute(
                update(Member)
                .where(Member.id == account)
                .values(display_name=FORGOTTEN_NAME, external_id=f"forgotten-{account}", email=None)
            )
        notes = member_notes.forget_person(conn, community_id, person)
        result = Forgotten(accounts, texts, decisions, notes)
        audit.record(
            conn,
            now,
            actor.name,
            "member.forget",
            f"member {member_id}",
            None,
            {
                "accounts": list(accounts),
                "texts_emptied": texts,
                "decisions_removed": decisions,
                "tags_and_notes_removed": notes,
            },
        )
    return result
