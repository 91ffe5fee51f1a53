"""Segments read on the stored member weeks (analysis.segments): who is in one now, its
size week by week, and the export for outreach (analysts and admins, audited, naming the
fields it holds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, select

from access.permissions import Action, Actor, require
from analysis.segments import People, Segment, members_in, sizes
from analysis.weeks import Week
from dashboard.member_lifecycle import WEEKS_KEPT, MemberWeeks, stored_member_weeks
from data_access import audit, member_notes
from data_access.kpi_queries import PERSON
from data_access.schema import Member, Source

SIZES_SHOWN = 12  # weeks of a segment's size over time
EXPORT_FIELDS = (  # what an export holds, one row per person, in this order
    "person",
    "name",
    "accounts",
    "emails",
    "level",
    "state",
    "engagement",
    "first_seen",
    "last_active_week",
    "tags",
)


@dataclass(frozen=True)
class SegmentReading:
    week: str | None  # the newest stored week (None: none counted yet)
    members: pd.DataFrame  # person, level, state, engagement, last_active (week name),
    # highest engagement first
    sizes: pd.DataFrame  # week, people: the last SIZES_SHOWN weeks


def people_of(facts: pd.DataFrame) -> People:
    return People(facts["platforms"], facts["tags"], facts["first_seen"])


def read_segment(stored: MemberWeeks, facts: pd.DataFrame, segment: Segment) -> SegmentReading:
    """The segment in the newest stored week, and its size in the weeks before."""
    rows, weeks = stored.rows, stored.weeks
    columns = ["person", "level", "state", "engagement", "last_active"]
    if rows.empty:
        return SegmentReading(None, pd.DataFrame(columns=columns), sizes_none(weeks))
    people = people_of(facts)
    newest = len(weeks) - 1
    chosen = members_in(segment, rows, newest, weeks, people)
    now = rows[(rows["week"] == newest) & rows["person"].isin(chosen)]
    members = now[columns].sort_values(["engagement", "person"], ascending=[False, True])
    return SegmentReading(
        weeks[newest],
        members.reset_index(drop=True),
        sizes(segment, rows, weeks, people, SIZES_SHOWN),
    )


def sizes_none(weeks: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"week": weeks[-SIZES_SHOWN:], "people": 0})


def weeks_read(segment: Segment) -> range:
    """The stored weeks (indexes) a segment's reading needs: the SIZES_SHOWN newest and the
    weeks its traits count over before them."""
    return range(WEEKS_KEPT - SIZES_SHOWN - segment.within_weeks + 1, WEEKS_KEPT)


def segment_now(engine: Engine, community_id: int, timezone: str, now: datetime, segment):
    stored = stored_member_weeks(engine, community_id, timezone, now, weeks_read(segment))
    with engine.connect() as conn:
        facts = member_notes.people_facts(conn, community_id)
    return read_segment(stored, facts, segment)


def export_segment(
    engine: Engine,
    community_id: int,
    name: str,
    segment: Segment,
    timezone: str,
    now: datetime,
    *,
    actor: Actor,
    week: Week | None = None,
) -> pd.DataFrame:
    """The segment's people with EXPORT_FIELDS, for outreach: in `week`, by default the
    last complete one. Analysts and admins only; the audit log records who exported which
    segment, how many people and which fields."""
    require(actor, Action.EXPORT_MEMBERS)
    as_of = week.end(timezone) if week else now
    stored = stored_member_weeks(engine, community_id, timezone, as_of, weeks_read(segment))
    with engine.connect() as conn:
        facts = member_notes.people_facts(conn, community_id)
        reading = read_segment(stored, facts, segment)
        table = _export_table(conn, community_id, stored, facts, reading)
    with engine.begin() as conn:
        audit.record(
            conn,
            now,
            actor.name,
            "segment.export",
            name,
            None,
            {"people": len(table), "fields": list(EXPORT_FIELDS), "week": reading.week},
        )
    return table


def _export_table(conn, community_id, stored, facts, reading) -> pd.DataFrame:
    people = reading.members["person"].astype(int).tolist()
    if not people:
        return pd.DataFrame(columns=list(EXPORT_FIELDS))
    accounts = pd.DataFrame(
        conn.execute(
            select(
                PERSON.label("person"),
                Member.id,
                Member.display_name,
                Member.external_id,
                Member.email,
                Source.platform,
            )
            .join(Source, Source.id == Member.source_id)
            .where(Member.community_id == community_id, PERSON.in_(people))
            .order_by(Member.id)
        ).all(),
        columns=["person", "id", "name", "account", "email", "platform"],
    )
    by_person = accounts.groupby("person")
    own = accounts[accounts["person"] == accounts["id"]].set_index("person")["name"]
    members = reading.members.set_index("person")
    index = members.index
    return pd.DataFrame(
        {
            "person": index,
            "name": own.reindex(index).to_numpy(),
            "accounts": (accounts["platform"] + " " + accounts["account"])
            .groupby(accounts["person"])
            .agg("; ".join)
            .reindex(index)
            .to_numpy(),
            "emails": by_person["email"]
            .agg(lambda e: "; ".join(sorted({x for x in e if isinstance(x, str) and x})))
            .reindex(index)
            .to_numpy(),
            "level": members["level"].to_numpy(),
            "state": members["state"].to_numpy(),
            "engagement": members["engagement"].round(2).to_numpy(),
            "first_seen": facts["first_seen"].reindex(index).dt.strftime("%Y-%m-%d").to_numpy(),
            "last_active_week": members["last_active"].to_numpy(),
            "tags": facts["tags"]
            .reindex(index)
            .map(lambda t: "; ".join(sorted(t)) if isinstance(t, set) else "")
            .to_numpy(),
        }
    )
