"""`ecg segments list|show|save|delete|export`: saved filters over members from the shell.
The shell acts as an admin (it owns the install); saving and exporting are audited."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from access.permissions import SERVER_SHELL
from analysis.segment_fields import EXPORT_FIELDS, LIST_FIELDS
from analysis.weeks import parse_week
from dashboard.cli.common import add_community_option

if TYPE_CHECKING:
    from analysis.segments import Segment


def add_parsers(sub) -> None:
    p = sub.add_parser("segments", help="saved filters over members: their people, size and export")
    actions = p.add_subparsers(required=True, metavar="ACTION")
    actions.add_parser("list", help="the saved segments and their filters").set_defaults(
        handler=cmd_list
    )
    show = actions.add_parser("show", help="a segment's size in the last complete weeks")
    show.add_argument("name")
    add_week_option(show)
    show.set_defaults(handler=cmd_show)
    save = actions.add_parser(
        "save",
        help="save a segment (or replace one of that name); each option takes one or more "
        "values, any of which matches",
    )
    save.add_argument("name")
    for name in LIST_FIELDS:
        save.add_argument(f"--{name}", nargs="+", default=[], metavar="VALUE")
    for name in ("first-seen-from", "first-seen-before", "last-active-from", "last-active-before"):
        save.add_argument(f"--{name}", metavar="YYYY-MM-DD")
    save.add_argument(
        "--within-weeks",
        type=int,
        default=4,
        help="channels, topics, languages and kinds count over this many weeks (default 4)",
    )
    save.set_defaults(handler=cmd_save)
    delete = actions.add_parser("delete", help="delete a saved segment")
    delete.add_argument("name")
    delete.set_defaults(handler=cmd_delete)
    export = actions.add_parser(
        "export",
        help=f"write a segment's people as CSV for outreach ({', '.join(EXPORT_FIELDS)}); audited",
    )
    export.add_argument("name")
    export.add_argument("--output", "-o", help="the CSV file (default: standard output)")
    add_week_option(export)
    export.set_defaults(handler=cmd_export)
    add_community_option(p, actions=actions)


def add_week_option(parser) -> None:
    parser.add_argument(
        "--week",
        type=parse_week,
        help="as of this ISO week, like 2026-W45 (default: the last complete week)",
    )


def _as_of(args, settings) -> datetime:
    """The end of the week asked for, else now (the last complete week is read)."""
    return args.week.end(settings.timezone) if args.week else datetime.now(UTC)


NAMED_BY_ID = ("channels", "topics")  # stored as ids, shown by name


def _opened(args, settings):
    from data_access.communities import community_id_of
    from data_access.db import make_engine
    from data_access.setup import init_database

    engine = make_engine(settings.database_url)
    init_database(engine)
    community_id = community_id_of(engine, args.community)
    if community_id is None:
        raise ValueError(f"no community named {args.community!r}")
    return engine, community_id


def _saved(engine, community_id: int, name: str) -> Segment:
    from data_access import member_notes

    with engine.connect() as conn:
        saved = member_notes.saved_segments(conn, community_id)
    if name not in saved:
        known = ", ".join(saved) or "none yet"
        raise ValueError(f"there is no segment {name!r} (saved: {known})")
    return saved[name]


def describe(segment: Segment, names: dict[str, dict[str, str]]) -> str:
    """A segment's filters in words, ids shown as names."""
    parts = []
    for field, value in segment.to_json().items():
        if isinstance(value, list):
            shown = dict.fromkeys(names.get(field, {}).get(v, v) for v in value)
            parts.append(f"{field}: {', '.join(shown)}")
        else:
            parts.append(f"{field}: {value}")
    return "; ".join(parts) or "everyone around"


def _id_names(engine, community_id: int) -> dict[str, dict[str, str]]:
    from data_access import queries

    with engine.connect() as conn:
        return {
            field: {
                str(row.id): row.name
                for row in getattr(queries, field)(conn, community_id).itertuples()
            }
            for field in NAMED_BY_ID
        }


def cmd_list(args, settings) -> int:
    from data_access import member_notes

    engine, community_id = _opened(args, settings)
    with engine.connect() as conn:
        saved = member_notes.saved_segments(conn, community_id)
    names = _id_names(engine, community_id)
    if not saved:
        print("no segments saved yet: `ecg segments save NAME --states vital ...`")
    for name, segment in saved.items():
        print(f"{name}: {describe(segment, names)}")
    return 0


def cmd_show(args, settings) -> int:
    from dashboard.member_segments import segment_now

    engine, community_id = _opened(args, settings)
    segment = _saved(engine, community_id, args.name)
    reading = segment_now(engine, community_id, settings.timezone, _as_of(args, settings), segment)
    if reading.week is None:
        print("no member weeks yet: the worker (ecg run) counts each complete week")
        return 0
    print(f"{args.name} in {reading.week}: {len(reading.members)} people")
    for week, people in zip(reading.sizes["week"], reading.sizes["people"], strict=True):
        print(f"  {week} {people:>7}")
    return 0


def cmd_save(args, settings) -> int:
    from analysis.segments import Segment
    from data_access import member_notes

    engine, community_id = _opened(args, settings)
    names = _id_names(engine, community_id)
    values = {}
    for field in LIST_FIELDS:
        given = getattr(args, field)
        if field in NAMED_BY_ID:  # a name matches every channel (or topic) of that name
            unknown = [v for v in given if v not in names[field].values()]
            if unknown:
                raise ValueError(f"no {field[:-1]} named {', '.join(map(repr, unknown))}")
            given = [i for i, name in names[field].items() if name in given]
        values[field] = given
    for field in ("first_seen_from", "first_seen_before", "last_active_from", "last_active_before"):
        values[field] = getattr(args, field) or None
    segment = Segment(**values, within_weeks=args.within_weeks)
    now = datetime.now(UTC)
    member_notes.save_segment(engine, community_id, args.name, segment, actor=SERVER_SHELL, now=now)
    print(f"saved {args.name}: {describe(segment, names)}")
    return 0


def cmd_delete(args, settings) -> int:
    from data_access import member_notes

    engine, community_id = _opened(args, settings)
    now = datetime.now(UTC)
    member_notes.delete_segment(engine, community_id, args.name, actor=SERVER_SHELL, now=now)
    print(f"deleted {args.name}")
    return 0


def cmd_export(args, settings) -> int:
    from dashboard.member_segments import export_segment

    engine, community_id = _opened(args, settings)
    segment = _saved(engine, community_id, args.name)
    table = export_segment(
        engine,
        community_id,
        args.name,
        segment,
        settings.timezone,
        datetime.now(UTC),
        actor=SERVER_SHELL,
        week=args.week,
    )
    if args.output:
        table.to_csv(args.output, index=False)
        print(f"{len(table)} people written to {args.output} ({', '.join(EXPORT_FIELDS)})")
    else:
        table.to_csv(sys.stdout, index=False)
    return 0
