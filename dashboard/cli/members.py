"""`ecg members list|find|mark|staff-figures`: bots and staff from the shell."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from access.permissions import SERVER_SHELL
from dashboard.cli.common import add_community_option, engine_for


def add_parsers(sub) -> None:
    p = sub.add_parser("members", help="mark bots and staff; staff in or out of the figures")
    actions = p.add_subparsers(required=True, metavar="ACTION")
    actions.add_parser("list", help="the accounts marked as bots or staff").set_defaults(
        handler=cmd_list
    )
    find = actions.add_parser("find", help="accounts whose name or id contains TEXT")
    find.add_argument("text")
    find.set_defaults(handler=cmd_find)
    mark = actions.add_parser("mark", help="mark one account (by its id on the platform)")
    mark.add_argument("account")
    flag = {"action": argparse.BooleanOptionalAction, "default": None}
    mark.add_argument("--bot", **flag, help="a bot (--no-bot: a person)")
    mark.add_argument("--staff", **flag, help="staff (--no-staff: not staff)")
    mark.set_defaults(handler=cmd_mark)
    forget = actions.add_parser(
        "forget",
        help="forget one account (by its id on the platform) and the accounts merged with it: "
        "texts, names and identity decisions removed, anonymous counts kept (a deletion "
        "request; cannot be undone)",
    )
    forget.add_argument("account")
    forget.add_argument("--yes", action="store_true", help="really forget it")
    forget.set_defaults(handler=cmd_forget)
    figures = actions.add_parser("staff-figures", help="count staff in sentiment and responses?")
    figures.add_argument("choice", choices=["include", "exclude"])
    figures.set_defaults(handler=cmd_staff_figures)
    add_community_option(p, actions=actions)


def _community(engine, name: str) -> int:
    from data_access.communities import community_id_of
    from data_access.setup import init_database

    init_database(engine)
    community_id = community_id_of(engine, name)
    if community_id is None:
        raise ValueError(f"no community named {name!r}")
    return community_id


def _print(table) -> None:
    for row in table.itertuples():
        kinds = [k for k, on in (("bot", row.is_bot), ("staff", row.is_staff)) if on]
        print(f"{row.platform:10} {row.external_id:30} {row.display_name:30} {', '.join(kinds)}")


def cmd_list(args, settings) -> int:
    from data_access import members

    engine = engine_for(settings)
    with engine.connect() as conn:
        flagged = members.flagged(conn, _community(engine, args.community))
    if flagged.empty:
        print(
            f"no account of {args.community} is marked as a bot or staff: "
            "`ecg members mark ID --bot` or `--staff` (`ecg members find TEXT` for the ID)"
        )
    _print(flagged)
    return 0


def cmd_find(args, settings) -> int:
    from data_access import members

    engine = engine_for(settings)
    with engine.connect() as conn:
        found = members.find(conn, _community(engine, args.community), args.text)
    if found.empty:
        print(f"no account of {args.community} has {args.text!r} in its name or id")
    _print(found)
    return 0


def cmd_forget(args, settings) -> int:
    from data_access.forget import forget_member

    engine = engine_for(settings)
    community_id = _community(engine, args.community)
    row = _one_account(engine, community_id, args.account)
    if not args.yes:
        raise ValueError(
            f"this forgets {row['display_name']!r} ({row['platform']} {args.account}) and the "
            "accounts merged with it for good: texts, names and identity decisions; add --yes "
            "to do it"
        )
    done = forget_member(
        engine, community_id, int(row["id"]), actor=SERVER_SHELL, now=datetime.now(UTC)
    )
    print(
        f"forgotten: {len(done.member_ids)} account(s) ({', '.join(map(str, done.member_ids))}); "
        f"{done.texts} texts emptied, {done.decisions} identity decisions and {done.notes} "
        "tags or notes removed; their "
        "counts stay in the figures"
    )
    return 0


def _one_account(engine, community_id: int, account: str):
    from data_access import members

    with engine.connect() as conn:
        matches = members.find(conn, community_id, account)
    exact = matches[matches["external_id"] == account]
    if len(exact) != 1:
        raise ValueError(f"{len(exact)} accounts have the id {account!r}; `ecg members find`")
    return exact.iloc[0]


def cmd_mark(args, settings) -> int:
    from dashboard.cli.progress import Bar
    from data_access import members

    engine = engine_for(settings)
    community_id = _community(engine, args.community)
    row = _one_account(engine, community_id, args.account)
    is_bot = bool(row["is_bot"]) if args.bot is None else args.bot
    is_staff = bool(row["is_staff"]) if args.staff is None else args.staff
    with Bar("recount", unit=" hours") as bar:
        members.set_flags(
            engine,
            community_id,
            {int(row["id"]): (is_bot, is_staff)},
            actor=SERVER_SHELL,
            now=datetime.now(UTC),
            on_progress=lambda done, total: bar.set(done, total),
        )
    print(f"{args.account}: bot {'yes' if is_bot else 'no'}, staff {'yes' if is_staff else 'no'}")
    return 0


def cmd_staff_figures(args, settings) -> int:
    from dashboard.cli.progress import Bar
    from data_access import members

    engine = engine_for(settings)
    exclude = args.choice == "exclude"
    with Bar("recount", unit=" hours") as bar:
        members.set_exclude_staff(
            engine,
            _community(engine, args.community),
            exclude,
            actor=SERVER_SHELL,
            now=datetime.now(UTC),
            on_progress=lambda done, total: bar.set(done, total),
        )
    print(f"staff {'left out of' if exclude else 'counted in'} sentiment and response figures")
    return 0
