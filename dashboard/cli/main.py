"""The `ecg` command. Parses arguments, calls the library, turns errors into messages."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from access.permissions import PermissionDenied
from dashboard.cli import (
    alerts,
    analyse,
    config,
    database,
    imports,
    members,
    report,
    retention,
    segments,
    serve,
    topics,
    users,
)
from dashboard.cli.common import chosen_community, engine_for
from ingest.records import ImportFormatError

log = logging.getLogger("ecg")
# the order of `ecg --help`: set-up, messages in, running, then the command groups
COMMAND_GROUPS = (
    database,
    imports,
    serve,
    analyse,
    topics,
    users,
    alerts,
    report,
    members,
    segments,
    retention,
    config,
)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # after the arguments: `ecg --help` and a mistyped command need neither
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from dashboard.settings import SettingsError, load_settings, secrets_file

    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    for chatty in ("alembic", "fontTools"):  # fontTools logs every glyph of a PDF's fonts
        logging.getLogger(chatty).setLevel(logging.WARNING)
    settings = None
    try:
        settings = load_settings(secrets_file(), os.environ)
        if hasattr(args, "check"):  # arguments first, before the database is touched
            args.check(args, settings)
        if getattr(args, "community_creates", None) is not None and not args.community:
            args.community = chosen_community(engine_for(settings), args.community_creates)
        code = args.handler(args, settings)
        sys.stdout.flush()  # here, so that a reader gone away is handled below
        return code
    except (ImportFormatError, SettingsError, ValueError, PermissionDenied) as error:
        print(f"ecg: error: {error}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as error:
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else error
        if isinstance(error, ProgrammingError) and not _without_tables(str(reason)):
            raise  # a defect, not the database's state: its traceback is wanted
        print(f"ecg: error: {_unreachable(str(reason), settings)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `ecg ... | head` closed the pipe: nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _unreachable(reason: str, settings) -> str:
    """What to say when the database fails: an empty one (most often the default SQLite
    file, relative to the folder ecg runs in, looked for in the wrong folder) is told
    apart from one that cannot be reached."""
    if _without_tables(reason) and settings is not None:
        from sqlalchemy.engine import make_url

        url = make_url(settings.database_url)
        where = str(url.render_as_string(hide_password=True))
        if url.get_backend_name() == "sqlite" and url.database:
            where = f"{os.path.abspath(url.database)} ({settings.database_url})"
        return (
            f"no Community ECG data in {where}: run ecg in the folder of your install (the "
            "default database is data/ecg.db there), point ECG_DATABASE_URL at your "
            "database, or import messages first (ecg import)"
        )
    return (
        f"the database cannot be reached ({reason}); check ECG_DATABASE_URL and that the "
        "server is running"
    )


def _without_tables(reason: str) -> bool:
    """SQLite's "no such table: x", PostgreSQL's 'relation "x" does not exist'."""
    missing_relation = reason.startswith("relation") and reason.endswith("does not exist")
    return reason.startswith("no such table") or missing_relation


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecg", description="Community ECG: community health.")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.add_parsers(sub)
    return parser


if __name__ == "__main__":
    sys.exit(main())
