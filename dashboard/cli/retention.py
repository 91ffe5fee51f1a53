"""`ecg retention`: remove raw messages older than the retention setting, now."""

from __future__ import annotations

from datetime import UTC, datetime


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "retention",
        help="remove raw messages older than the retention setting (the worker does it daily)",
        description="Raw messages sent before the start of the month MONTHS months ago are "
        "removed; rollups, forecasts and stored weekly figures stay. See docs/configuration.md.",
    )
    p.add_argument(
        "--months", type=int, help="whole months kept before the current one (default: setting)"
    )
    p.add_argument(
        "--archive",
        action="store_true",
        default=None,
        help="PostgreSQL: keep the removed months as archived_* tables (default: setting)",
    )
    p.set_defaults(handler=cmd_retention)


def cmd_retention(args, settings) -> int:
    from dashboard.cli.progress import Bar
    from data_access.db import make_engine
    from data_access.retention import apply_retention, validate_months
    from data_access.setup import init_database

    months = validate_months(settings.retention_months if args.months is None else args.months)
    if months == 0:
        print("retention is off (retention_months = 0): every raw message is kept")
        return 0
    engine = make_engine(settings.database_url)
    init_database(engine)
    archive = settings.retention_archive if args.archive is None else args.archive
    with Bar("removed", unit=" messages") as bar:
        result = apply_retention(
            engine, months, datetime.now(UTC), archive=archive, on_progress=bar.set
        )
    print(f"raw messages kept from {result.kept_since:%Y-%m-%d} (UTC): {result.removed:,} removed")
    for month in result.months:
        where = f"archived as archived_messages_{month:%Y_%m}" if archive else "dropped"
        print(f"  {month:%Y-%m}: {where}")
    return 0
