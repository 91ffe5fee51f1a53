"""`ecg init-db`, `ecg simulate` and `ecg migrate-db`: the database, the demo, a copy."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from dashboard.cli.common import engine_for, format_summary
from dashboard.demo_community import DEMO_COMMUNITY, DEMO_DAYS

log = logging.getLogger("ecg")


def add_parsers(sub) -> None:
    _init_db_parser(sub)
    _simulate_parser(sub)
    _migrate_db_parser(sub)


def _migrate_db_parser(sub) -> None:
    p = sub.add_parser(
        "migrate-db", help="copy the whole database to another one (SQLite to PostgreSQL)"
    )
    p.add_argument("--to", required=True, metavar="URL", help="an empty database")
    p.add_argument("--from", dest="source", metavar="URL", help="default: the configured one")
    p.set_defaults(handler=cmd_migrate_db)


def cmd_migrate_db(args, settings) -> int:
    from dashboard.cli.progress import Bar
    from data_access.copy_db import copy_database
    from data_access.db import make_engine

    source = make_engine(args.source or settings.database_url)
    target = make_engine(args.to)
    bars: dict[str, Bar] = {}  # one per table, closed when the next begins

    def progress(table: str, done: int, total: int) -> None:
        if table not in bars:
            for finished in bars.values():
                finished.close()
            bars[table] = Bar(table, unit=" rows")
        bars[table].set(done, total)

    try:
        result = copy_database(source, target, progress)
    finally:
        for bar in bars.values():
            bar.close()
    rows = sum(result.tables.values())
    print(f"copied {rows:,} rows in {len(result.tables)} tables to {target.url.render_as_string()}")
    print("point ECG_DATABASE_URL (or [database] url) at it to use it")
    return 0


def _init_db_parser(sub) -> None:
    p = sub.add_parser("init-db", help="create or upgrade the database schema")
    p.add_argument(
        "--demo",
        action="store_true",
        help=f"also create the demo community ({DEMO_DAYS} days) "
        "when the database has no community",
    )
    p.set_defaults(handler=cmd_init_db)


def cmd_init_db(args, settings) -> int:
    from data_access.communities import community_names
    from data_access.setup import init_database

    engine = engine_for(settings)
    init_database(engine)
    if args.demo and not community_names(engine):
        create_demo(engine)
    print(f"database ready: {settings.database_url}")
    return 0


def create_demo(engine) -> None:
    from dashboard import communities
    from dashboard.cli.progress import Bar

    print(f"Creating the demo community ({DEMO_DAYS} days of simulated messages)…")
    with Bar("demo") as bar:
        added = communities.create_demo(engine, datetime.now(UTC), lambda s: bar.set(s.read))
    print(f"demo community ready: {added:,} messages")


def _simulate_parser(sub) -> None:
    p = sub.add_parser("simulate", help="backfill a simulated community (for demos and trials)")
    p.add_argument("--days", type=float, default=90)
    p.add_argument("--community", default=DEMO_COMMUNITY)
    p.add_argument("--rate", type=float, default=60.0, help="messages per hour on average (60)")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=cmd_simulate)


def cmd_simulate(args, settings) -> int:
    from dashboard import communities
    from dashboard.cli.progress import Bar
    from ingest.simulate import CommunitySpec, default_incidents

    if args.days <= 0 or args.rate <= 0:
        raise ValueError("--days and --rate must be above 0")
    now = datetime.now(UTC)
    spec = CommunitySpec(
        seed=args.seed, messages_per_hour=args.rate, incidents=default_incidents(now)
    )
    start = now - timedelta(days=args.days)
    with Bar("simulate") as bar:
        summary = communities.simulate(
            engine_for(settings), args.community, start, now, spec, lambda p: bar.set(p.read)
        )
    print(format_summary(summary))
    return 0
