"""`ecg users add|passwd|remove|list`: local accounts, from the server's shell."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

from access.permissions import SERVER_SHELL, Role


def add_parsers(sub) -> None:
    p = sub.add_parser("users", help="add, list, change or remove local accounts")
    actions = p.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add an account (asks for a one-time password)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.set_defaults(handler=cmd_add)
    passwd = actions.add_parser("passwd", help="set a new one-time password")
    passwd.add_argument("name")
    passwd.set_defaults(handler=cmd_passwd)
    remove = actions.add_parser("remove", help="remove an account")
    remove.add_argument("name")
    remove.set_defaults(handler=cmd_remove)
    actions.add_parser("list", help="every account and its role").set_defaults(handler=cmd_list)


def _engine(settings):
    from data_access.db import make_engine
    from data_access.setup import init_database

    engine = make_engine(settings.database_url)
    init_database(engine)
    return engine


def ask_password() -> str:
    """Read a password twice without echo (ECG_PASSWORD for scripts)."""
    import os

    if "ECG_PASSWORD" in os.environ:
        return os.environ["ECG_PASSWORD"]
    try:
        first = getpass.getpass("One-time password (changed at first sign-in): ")
        again = getpass.getpass("The same again: ")
    except EOFError:  # no terminal: input is a pipe or closed
        raise ValueError("no password given: type it at a terminal, or set ECG_PASSWORD") from None
    if again != first:
        raise ValueError("the two passwords differ")
    return first


def cmd_add(args, settings) -> int:
    from data_access import accounts

    account = accounts.add_user(
        _engine(settings),
        SERVER_SHELL,
        args.name,
        Role(args.role),
        ask_password(),
        datetime.now(UTC),
        must_change_password=True,
    )
    print(f"added {account.name} ({account.role.value})")
    return 0


def cmd_passwd(args, settings) -> int:
    from data_access import accounts

    accounts.set_password(
        _engine(settings), SERVER_SHELL, args.name, ask_password(), datetime.now(UTC)
    )
    print(f"new one-time password set for {args.name.strip().lower()}")
    return 0


def cmd_remove(args, settings) -> int:
    from data_access import accounts

    accounts.remove_user(_engine(settings), SERVER_SHELL, args.name, datetime.now(UTC))
    print(f"removed {args.name.strip().lower()}")
    return 0


def cmd_list(args, settings) -> int:
    from data_access import accounts

    for account in accounts.list_users(_engine(settings)):
        flag = "  (must change password)" if account.must_change_password else ""
        print(f"{account.name}\t{account.role.value}{flag}")
    return 0
