"""`ecg topics list|add|edit|remove|discover`: manage topic rules from the shell, and
suggest new ones."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from access.permissions import SERVER_SHELL
from analysis.topics import TopicRule, TopicRuleError
from dashboard.cli.common import add_column_option, add_community_option, engine_for

RULE_FIELDS = ("keywords", "phrases", "patterns", "exclusions")


def add_parsers(sub) -> None:
    p = sub.add_parser("topics", help="list, add, edit or remove topic rules")
    actions = p.add_subparsers(required=True, metavar="ACTION")
    actions.add_parser("list", help="show every topic rule").set_defaults(
        handler=cmd_list, community_creates=False
    )
    for name, handler in (("add", cmd_add), ("edit", cmd_edit)):
        a = actions.add_parser(name, help=f"{name} a topic; saving re-tags past messages")
        a.add_argument("name")
        for field in RULE_FIELDS:
            a.add_argument(
                f"--{field[:-1] if field != 'phrases' else 'phrase'}",
                dest=field,
                action="append",
                help=f"one of the {field} (repeatable)",
            )
        a.add_argument("--colour", help="like #1f77b4")
        a.set_defaults(handler=handler, community_creates=name == "add")
    r = actions.add_parser("remove", help="remove a topic and its figures")
    r.add_argument("name")
    r.set_defaults(handler=cmd_remove, community_creates=False)
    _discover_parser(actions)
    add_community_option(p, creates=True, actions=actions)


def _discover_parser(actions) -> None:
    d = actions.add_parser(
        "discover",
        help="suggest topics by clustering messages: the community's recent ones, or a file",
        description="Without FILE: suggested topics of the community's messages of the last "
        "--days days. With FILE: writes row,cluster,cluster_name for each of its texts. "
        "See docs/discovery.md",
    )
    d.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="a text file (one text per line) or a CSV (with --column); - reads standard input",
    )
    add_column_option(d)
    d.add_argument("--k", type=int, help="how many topics (default: chosen between 2 and 20)")
    d.add_argument("--days", type=int, default=14, help="the community's last N days (default 14)")
    d.add_argument("--output", type=Path, help="FILE's clusters here (default: standard output)")
    d.set_defaults(handler=cmd_discover, community_creates=None)


def cmd_discover(args, settings) -> int:
    from dashboard.cli.discover import discover_community, discover_file

    if args.k is not None and args.k < 1:
        raise ValueError("--k must be at least 1")
    if args.days < 1:
        raise ValueError("--days must be at least 1")
    if args.path is None:
        return discover_community(settings, args.community, args.days, args.k)
    discover_file(args.path, args.column, args.k, args.output or sys.stdout)
    return 0


def _community_id(engine, name: str, creates: bool = False) -> int:
    """The community's id; one that does not exist yet is made only by `creates` (adding
    a topic), never by listing, editing or removing (a misspelt name is an error)."""
    from dashboard.communities import prepare_community
    from data_access.communities import community_id_of
    from data_access.setup import init_database

    if creates:
        return prepare_community(engine, name)
    init_database(engine)
    community_id = community_id_of(engine, name)
    if community_id is None:
        raise ValueError(f"no community named {name!r}")
    return community_id


def _find(engine, community_id: int, name: str):
    from sqlalchemy import select

    from data_access.schema import Topic

    with engine.connect() as conn:
        query = select(Topic.__table__).where(
            Topic.community_id == community_id, Topic.name == name
        )
        return conn.execute(query).mappings().first()


def cmd_list(args, settings) -> int:
    from data_access import queries
    from data_access.topics import topic_rule_of

    engine = engine_for(settings)
    with engine.connect() as conn:
        topics = queries.topics(conn, _community_id(engine, args.community))
    for row in topics.itertuples():
        rule = topic_rule_of(row._asdict())
        parts = [f"{f}: {', '.join(getattr(rule, f))}" for f in RULE_FIELDS if getattr(rule, f)]
        print(f"{rule.name} ({rule.colour})\n  " + "\n  ".join(parts))
    return 0


def cmd_add(args, settings) -> int:
    engine = engine_for(settings)
    community_id = _community_id(engine, args.community, creates=True)
    rule = TopicRule(
        args.name,
        colour=args.colour or "#636efa",
        **{f: tuple(getattr(args, f) or ()) for f in RULE_FIELDS},
    )
    return _save(engine, community_id, rule, None)


def cmd_edit(args, settings) -> int:
    from data_access.topics import topic_rule_of

    engine = engine_for(settings)
    community_id = _community_id(engine, args.community)
    row = _find(engine, community_id, args.name)
    if row is None:
        raise ValueError(f"no topic named {args.name!r}")
    old = topic_rule_of(row)
    changes = {f: tuple(getattr(args, f)) for f in RULE_FIELDS if getattr(args, f) is not None}
    rule = TopicRule(
        old.name,
        colour=args.colour or old.colour,
        **{f: changes.get(f, getattr(old, f)) for f in RULE_FIELDS},
    )
    return _save(engine, community_id, rule, row["id"])


def cmd_remove(args, settings) -> int:
    from dashboard.changes.topics import delete_topic

    engine = engine_for(settings)
    row = _find(engine, _community_id(engine, args.community), args.name)
    if row is None:
        raise ValueError(f"no topic named {args.name!r}")
    delete_topic(engine, row["id"], actor=SERVER_SHELL, now=datetime.now(UTC))
    print(f"removed topic {args.name!r}")
    return 0


def _save(engine, community_id: int, rule: TopicRule, topic_id: int | None) -> int:
    from dashboard.changes.topics import save_topic
    from dashboard.cli.progress import Bar

    try:
        with Bar("re-tag") as bar:
            result = save_topic(
                engine,
                community_id,
                rule,
                topic_id,
                bar.set,
                actor=SERVER_SHELL,
                now=datetime.now(UTC),
            )
    except TopicRuleError as error:
        raise ValueError(f"topic {error.field}: {error.reason}") from None
    print(f"saved {rule.name!r}: {result.matched:,} of {result.scanned:,} messages match")
    return 0
