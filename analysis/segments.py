"""Segments: saved filters over members, evaluated on the stored member weeks (pure pandas).

A segment holds, for each field, the values it accepts (empty: any). A person is in it
in a week when every field with values matches (fields AND, values within a field OR):

- levels, states: their level and lifecycle state that week;
- platforms: any of their accounts is on one of these platforms;
- channels, topics, languages, kinds: they wrote in one of these channels, about one of
  these topics, in one of these languages, or a message of one of these kinds, during
  the `within_weeks` weeks up to that week;
- tags: staff put one of these tags on them;
- first seen on or after / before a day; last active in a week on or after / before the
  week of a day.

People are those with a state that week (around: new, active, vital, returning, at risk or
just churned); someone long gone is in no segment.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date

import pandas as pd

from analysis.lifecycle import LEVELS, STATES
from analysis.segment_fields import LIST_FIELDS
from analysis.weeks import week_of

DAY_FIELDS = ("first_seen_from", "first_seen_before", "last_active_from", "last_active_before")
TRAIT_FIELDS = ("channels", "topics", "languages", "kinds")  # read from their weeks' words
MAX_WITHIN_WEEKS = 26


class BadSegment(ValueError):
    pass


@dataclass(frozen=True)
class Segment:
    levels: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()  # channel ids, as text (the stored weeks' words)
    topics: tuple[str, ...] = ()  # topic ids, as text
    languages: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    first_seen_from: date | None = None
    first_seen_before: date | None = None
    last_active_from: date | None = None
    last_active_before: date | None = None
    within_weeks: int = 4  # the weeks in which channels, topics, languages, kinds count
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for name in LIST_FIELDS:
            values = getattr(self, name)
            if isinstance(values, str):
                raise BadSegment(f"{name} must be a list of values, not {values!r}")
            object.__setattr__(self, name, tuple(sorted({str(v).strip() for v in values} - {""})))
        unknown = set(self.levels) - {name for name, _least in LEVELS}
        if unknown:
            raise BadSegment(f"unknown level(s): {', '.join(sorted(unknown))}")
        unknown = set(self.states) - set(STATES)
        if unknown:
            raise BadSegment(f"unknown state(s): {', '.join(sorted(unknown))}")
        if not 1 <= int(self.within_weeks) <= MAX_WITHIN_WEEKS:
            raise BadSegment(f"within_weeks must be 1 to {MAX_WITHIN_WEEKS}")
        for name in DAY_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, _day(name, value))

    def to_json(self) -> dict:
        """The stored form: lists and ISO days; fields left open are left out."""
        stored = {}
        for name, value in asdict(self).items():
            if name in DAY_FIELDS:
                value = value.isoformat() if value else None
            elif name in LIST_FIELDS:
                value = list(value)
            if value not in (None, [], ""):
                stored[name] = value
        return stored

    @classmethod
    def from_json(cls, stored: dict) -> Segment:
        known = {f.name for f in fields(cls)}
        unknown = set(stored) - known
        if unknown:
            raise BadSegment(f"unknown field(s): {', '.join(sorted(unknown))}")
        return cls(**stored)

    def is_open(self) -> bool:
        """Whether it accepts everyone around (no field has values)."""
        return not self.to_json().keys() - {"within_weeks", "description"}


def _day(name: str, value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadSegment(f"{name}: {value!r} is not a day (YYYY-MM-DD)") from error


@dataclass(frozen=True)
class People:
    """What segments read, besides the stored weeks: `platforms` (person, platform: one
    row per platform a person has an account on), `tags` (person, tag), `first_seen` (UTC
    timestamp, indexed by person)."""

    platforms: pd.DataFrame
    tags: pd.DataFrame
    first_seen: pd.Series

    def tags_of(self, persons: pd.Index) -> pd.Series:
        """Each person's tags, sorted and joined by "; " ("" for none)."""
        chosen = self.tags[self.tags["person"].isin(persons)].sort_values("tag")
        joined = chosen.groupby("person")["tag"].agg("; ".join)
        return joined.reindex(persons).fillna("")


def traits_used(segment: Segment) -> tuple[str, ...]:
    """The trait fields (TRAIT_FIELDS) a segment filters on."""
    return tuple(trait for trait in TRAIT_FIELDS if getattr(segment, trait))


def members_in(
    segment: Segment, rows: pd.DataFrame, week: int, weeks: list[str], people: People
) -> pd.Index:
    """The people in `segment` in week `week` (an index into `weeks`, the stored weeks'
    names, oldest first), from the stored rows (person, week index, state, level,
    last_active week name, and the traits' words)."""
    now = rows[rows["week"] == week].set_index("person")
    keep = pd.Series(True, index=now.index)
    if segment.levels:
        keep &= now["level"].isin(segment.levels)
    if segment.states:
        keep &= now["state"].isin(segment.states)
    if segment.platforms:
        on = people.platforms.loc[people.platforms["platform"].isin(segment.platforms), "person"]
        keep &= now.index.isin(on)
    if segment.tags:
        keep &= now.index.isin(people.tags.loc[people.tags["tag"].isin(segment.tags), "person"])
    recent = rows[(rows["week"] <= week) & (rows["week"] > week - segment.within_weeks)]
    for trait in traits_used(segment):
        wanted = frozenset(getattr(segment, trait))
        keep &= now.index.isin(recent.loc[_has_any(recent[trait], wanted), "person"])
    keep &= _first_seen_matches(segment, people.first_seen.reindex(now.index))
    if segment.last_active_from or segment.last_active_before:
        last_name = now["last_active"]  # the week's name, "" when none is kept
        if segment.last_active_from:
            keep &= last_name >= week_of(segment.last_active_from).name
        if segment.last_active_before:
            keep &= (last_name != "") & (last_name < week_of(segment.last_active_before).name)
    return now.index[keep.to_numpy()]


def _has_any(words: pd.Series, wanted: frozenset[str]) -> pd.Series:
    """Whether each row's space-separated words hold any of `wanted`."""
    return words.map(lambda text: not wanted.isdisjoint(text.split()))


def _first_seen_matches(segment: Segment, seen: pd.Series) -> pd.Series:
    keep = pd.Series(True, index=seen.index)
    days = pd.to_datetime(seen, utc=True).dt.date
    if segment.first_seen_from:
        keep &= days >= segment.first_seen_from
    if segment.first_seen_before:
        keep &= days < segment.first_seen_before
    return keep.fillna(False).astype(bool)


def sizes(segment: Segment, rows: pd.DataFrame, weeks: list[str], people: People, shown: int):
    """The segment's size in each of the last `shown` stored weeks (week name, people),
    from the first week anyone was around (a young community's chart opened on empty
    weeks)."""
    first = max(0, len(weeks) - shown, int(rows["week"].min()) if len(rows) else 0)
    return pd.DataFrame(
        {
            "week": weeks[first:],
            "people": [
                len(members_in(segment, rows, w, weeks, people)) for w in range(first, len(weeks))
            ],
        }
    )
