"""`--community` of every command: when none is named, the only community there is.

Like every module of the command's parsers, this one imports only what building the
parsers needs: a command's handler imports the rest when it runs, so that `ecg --help`
and each command start without loading the libraries of all the others."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analysis.topic_templates import DESCRIPTIONS, TEMPLATES
from ingest.records import MAX_TEXT_CHARS

if TYPE_CHECKING:
    from sqlalchemy import Engine

FIRST_COMMUNITY = "main"  # the name a first import gives its community


def chosen_community(engine: Engine, creates: bool) -> str:
    """The community a command works on when none was named: the only one there is; with
    none yet, FIRST_COMMUNITY for a command that `creates` one; with several, an error
    that names them."""
    from data_access.communities import community_names
    from data_access.setup import init_database

    init_database(engine)
    names = community_names(engine)
    if len(names) == 1:
        return names[0]
    if not names:
        if creates:
            return FIRST_COMMUNITY
        raise ValueError(
            "there is no community yet: import messages first (ecg import), or make the "
            "demo (ecg init-db --demo)"
        )
    raise ValueError(
        f"there are {len(names)} communities: choose one with --community ({', '.join(names)})"
    )


def add_topics_option(parser) -> None:
    """--topics: the topic template a community made by this command starts with."""
    parser.add_argument(
        "--topics",
        choices=list(TEMPLATES),
        default="none",
        help="the topics a community made now starts with: "
        + "; ".join(f"{name}: {text}" for name, text in DESCRIPTIONS.items())
        + " (default: none; an existing community keeps its own)",
    )


def add_community_option(parser, creates: bool = False, actions=None) -> None:
    """--community, defaulting to the only community (see chosen_community). For a command
    group, pass its `actions` (the subparsers): --community is then taken before or after
    the action (`ecg topics --community acme list`, `ecg topics list --community acme`)."""
    help_text = "default: the only community" + (
        f" ({FIRST_COMMUNITY!r} when there is none yet)" if creates else ""
    )
    parser.add_argument("--community", help=help_text)
    parser.set_defaults(community_creates=creates)
    for action in actions.choices.values() if actions is not None else ():
        # SUPPRESS: an action not given --community keeps what the group was given
        action.add_argument("--community", default=argparse.SUPPRESS, help=help_text)


def engine_for(settings) -> Engine:
    from data_access.db import make_engine

    return make_engine(settings.database_url)


def format_summary(summary) -> str:
    lines = [
        f"read {summary.read:,} rows in {summary.seconds:.1f}s ({summary.rate:,.0f}/s)",
        f"imported: {summary.imported:,}",
        f"skipped as duplicates: {summary.duplicates:,}",
        f"rejected: {summary.rejected_total:,}",
    ]
    if summary.past_retention:
        lines.append(
            f"skipped as older than the raw messages kept (retention): {summary.past_retention:,}"
        )
    for reason, count in summary.rejected.most_common():
        shown = ", ".join(str(n) for n in summary.rejected_lines[reason])
        more = ", …" if count > len(summary.rejected_lines[reason]) else ""
        lines.append(f"  {count:,} × {reason} (line {shown}{more})")
    if summary.cut:
        lines.append(
            f"texts longer than {MAX_TEXT_CHARS:,} characters, stored cut: {summary.cut:,}"
        )
    if summary.deleted_authors:
        lines.append(
            "messages of deleted or unknown authors, kept under one 'deleted' member "
            f"(not counted as a member): {summary.deleted_authors:,}"
        )
    if summary.without_text:
        lines.append(
            f"posts without text, kept as member activity: {sum(summary.without_text.values()):,}"
        )
        lines += [f"  {count:,} × {kind}" for kind, count in summary.without_text.most_common()]
    if summary.activity:
        lines.append(
            f"member activity kept: {summary.activity:,} (joins, leaves, reactions, posts "
            "without text)"
        )
    if summary.events:
        lines.append(f"platform events, not messages: {sum(summary.events.values()):,}")
        lines += [f"  {count:,} × {event}" for event, count in summary.events.most_common()]
    return "\n".join(lines)


def add_column_option(parser) -> None:
    """`--column NAME` (repeatable) for commands that read texts from a file."""
    parser.add_argument(
        "--column",
        action="append",
        metavar="NAME",
        help="the CSV column holding the text; repeat to join columns (title, then body); "
        "without it every line of the file is one text",
    )


def zone_named(name: str, option: str = "--timezone") -> ZoneInfo:
    """The IANA zone `name`, or a ValueError naming the option that gave it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{option}: {name!r} is not an IANA time zone") from None
