"""Segments read on the stored member weeks (analysis.segments): who is in one now, its
size week by week, and the export for outreach (analysts and admins, audited, naming the
fields it holds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, select

from access.permissions import Action, Actor, require
from analysis.segment_fields import EXPORT_FIELDS
from analysis.segments import People, Segment, members_in, sizes, traits_used
from analysis.weeks import Week
from dashboard.member_lifecycle import WEEKS_KEPT, MemberWeeks, stored_member_weeks
from data_access import audit, member_notes
from data_access.kpi_queries import PERSON, of_persons
from data_access.schema import Member, Source

SIZES_SHOWN = 12  # weeks of a segment's size over time


@dataclass(frozen=True)
class SegmentReading:
    week: str | None  # the newest stored week (None: none counted yet)
    members: pd.DataFrame  # person, level, state, engagement, last_active (week name),
    # highest engagement first
    sizes: pd.DataFrame  # week, people: the last SIZES_SHOWN weeks


def read_segment(
    stored: MemberWeeks, people: People, segment: Segment, shown: int = SIZES_SHOWN
) -> SegmentReading:
    """The segment in the newest stored week, and its size in the `shown` weeks up to it."""
    rows, weeks = stored.rows, stored.weeks
    columns = ["person", "level", "state", "engagement", "last_active"]
    if rows.empty:
        return SegmentReading(None, pd.DataFrame(columns=columns), sizes_none(weeks, shown))
    newest = len(weeks) - 1
    chosen = members_in(segment, rows, newest, weeks, people)
    now = rows[(rows["week"] == newest) & rows["person"].isin(chosen)]
    members = now[columns].sort_values(["engagement", "person"], ascending=[False, True])
    return SegmentReading(
        weeks[newest],
        members.reset_index(drop=True),
        sizes(segment, rows, weeks, people, shown),
    )


def sizes_none(weeks: list[str], shown: int) -> pd.DataFrame:
    return pd.DataFrame({"week": weeks[-shown:], "people": 0})


def weeks_read(segment: Segment, shown: int = SIZES_SHOWN) -> range:
    """The stored weeks (indexes) a segment's reading needs: the `shown` newest, and the
    weeks its traits count over before them when it filters on traits."""
    before = segment.within_weeks - 1 if traits_used(segment) else 0
    return range(WEEKS_KEPT - shown - before, WEEKS_KEPT)


def _stored_for(engine, community_id, timezone, now, segment, shown) -> MemberWeeks:
    weeks, traits = weeks_read(segment, shown), traits_used(segment)
    return stored_member_weeks(engine, community_id, timezone, now, weeks, traits, activity=False)


def segment_now(engine: Engine, community_id: int, timezone: str, now: datetime, segment):
    stored = _stored_for(engine, community_id, timezone, now, segment, SIZES_SHOWN)
    with engine.connect() as conn:
        people = member_notes.people_facts(conn, community_id)
    return read_segment(stored, people, segment)


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
    stored = _stored_for(engine, community_id, timezone, as_of, segment, 1)  # its week only
    with engine.connect() as conn:
        people = member_notes.people_facts(conn, community_id)
        reading = read_segment(stored, people, segment, shown=1)
        table = _export_table(conn, community_id, people, reading)
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


def _export_table(conn, community_id, people: People, reading) -> pd.DataFrame:
    persons = reading.members["person"].astype(int).tolist()
    if not persons:
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
            .where(Member.community_id == community_id, of_persons(persons))
            .order_by(Member.id)
        ).all(),
        columns=["person", "id", "name", "account", "email", "platform"],
    )
    own = accounts[accounts["person"] == accounts["id"]].set_index("person")["name"]
    members = reading.members.set_index("person")
    index = members.index
    emails = accounts[accounts["email"].fillna("") != ""].drop_duplicates(["person", "email"])
    emails = emails.sort_values(["person", "email"])
    return pd.DataFrame(
        {
            "person": index,
            "name": own.reindex(index).to_numpy(),
            "accounts": joined_per_person(
                accounts["person"], accounts["platform"] + " " + accounts["account"]
            )
            .reindex(index)
            .to_numpy(),
            "emails": joined_per_person(emails["person"], emails["email"])
            .reindex(index)
            .fillna("")
            .to_numpy(),
            "level": members["level"].to_numpy(),
            "state": members["state"].to_numpy(),
            "engagement": members["engagement"].round(2).to_numpy(),
            "first_seen": people.first_seen.reindex(index).dt.strftime("%Y-%m-%d").to_numpy(),
            "last_active_week": members["last_active"].to_numpy(),
            "tags": people.tags_of(index).to_numpy(),
        }
    )


def joined_per_person(persons: pd.Series, values: pd.Series) -> pd.Series:
    """The values of each person joined by "; " in the order given (indexed by person);
    most people have one account: only those with several are grouped."""
    several = persons.duplicated(keep=False).to_numpy()
    alone = pd.Series(values.to_numpy()[~several], index=persons.to_numpy()[~several])
    grouped = values[several].groupby(persons[several].to_numpy()).agg("; ".join)
    return pd.concat([alone, grouped])
