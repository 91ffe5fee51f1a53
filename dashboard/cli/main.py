"""The `ecg` command. Parses arguments, calls the library, turns errors into messages."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import OperationalError

from access.permissions import PermissionDenied
from dashboard import communities
from dashboard.cli import alerts as cli_alerts
from dashboard.cli import config as cli_config
from dashboard.cli import members as cli_members
from dashboard.cli import report as cli_report
from dashboard.cli import retention as cli_retention
from dashboard.cli import topics as cli_topics
from dashboard.cli import users as cli_users
from dashboard.cli.common import add_community_option, chosen_community
from dashboard.cli.progress import Bar
from dashboard.settings import SettingsError, load_settings, secrets_file
from data_access import accounts
from data_access.communities import community_names
from data_access.db import make_engine
from data_access.setup import init_database
from ingest.formats.detect import FORMATS
from ingest.pipeline import DEFAULT_BATCH_SIZE
from ingest.records import MAX_TEXT_CHARS, ImportFormatError

log = logging.getLogger("ecg")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    for chatty in ("alembic", "fontTools"):  # fontTools logs every glyph of a PDF's fonts
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        settings = load_settings(secrets_file(), os.environ)
        if hasattr(args, "check"):  # arguments first, before the database is touched
            args.check(args, settings)
        if getattr(args, "community_creates", None) is not None and not args.community:
            args.community = chosen_community(engine_for(settings), args.community_creates)
        return args.handler(args, settings)
    except (ImportFormatError, SettingsError, ValueError, PermissionDenied) as error:
        print(f"ecg: error: {error}", file=sys.stderr)
        return 2
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else error
        print(
            f"ecg: error: the database cannot be reached ({reason}); check "
            "ECG_DATABASE_URL and that the server is running",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecg", description="Community ECG: community health.")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    _init_db_parser(sub)
    _import_parser(sub)
    _simulate_parser(sub)
    _worker_parser(sub)
    _run_parser(sub)
    cli_topics.add_parser(sub)
    cli_users.add_parser(sub)
    cli_alerts.add_parser(sub)
    cli_report.add_parser(sub)
    cli_members.add_parser(sub)
    cli_retention.add_parser(sub)
    _forecast_parser(sub)
    _detect_parser(sub)
    _follow_parser(sub)
    _ingest_server_parser(sub)
    _score_parser(sub)
    _migrate_db_parser(sub)
    cli_config.add_parser(sub)
    return parser


def _migrate_db_parser(sub) -> None:
    p = sub.add_parser(
        "migrate-db", help="copy the whole database to another one (SQLite to PostgreSQL)"
    )
    p.add_argument("--to", required=True, metavar="URL", help="an empty database")
    p.add_argument("--from", dest="source", metavar="URL", help="default: the configured one")
    p.set_defaults(handler=cmd_migrate_db)


def cmd_migrate_db(args, settings) -> int:
    from data_access.copy_db import copy_database

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


def engine_for(settings):
    return make_engine(settings.database_url)


def _init_db_parser(sub) -> None:
    p = sub.add_parser("init-db", help="create or upgrade the database schema")
    p.add_argument(
        "--demo",
        action="store_true",
        help=f"also create the demo community ({communities.DEMO_DAYS} days) "
        "when the database has no community",
    )
    p.set_defaults(handler=cmd_init_db)


def cmd_init_db(args, settings) -> int:
    engine = engine_for(settings)
    init_database(engine)
    if args.demo and not community_names(engine):
        create_demo(engine)
    print(f"database ready: {settings.database_url}")
    return 0


def create_demo(engine) -> None:
    print(f"Creating the demo community ({communities.DEMO_DAYS} days of simulated messages)…")
    with Bar("demo") as bar:
        added = communities.create_demo(engine, datetime.now(UTC), lambda s: bar.set(s.read))
    print(f"demo community ready: {added:,} messages")


def _import_parser(sub) -> None:
    p = sub.add_parser(
        "import",
        help="import a chat export (CSV, JSONL, Discord, Slack, Telegram, Reddit, Discourse)",
        description="Import messages; see docs/import.md for the mapping.",
    )
    p.add_argument("path", type=Path)
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="default: recognised from the content (Discord, Slack, Telegram, Reddit, "
        "Discourse), else from the file extension",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="timestamp, author and text are required; channel, id, reply_to, "
        "author_name and is_bot are optional",
    )
    add_community_option(p, creates=True)
    p.add_argument("--source", help="name of this source (default: the file name)")
    p.add_argument(
        "--platform",
        help="platform name shown in filters (default: discord for Discord exports, else chat)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first bad row instead of rejecting it and going on",
    )
    p.add_argument(
        "--bot",
        action="append",
        default=[],
        metavar="AUTHOR",
        help="an author id or name to count as a bot (repeatable; adds to the bots setting)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help=f"messages per transaction ({DEFAULT_BATCH_SIZE:,})",
    )
    p.set_defaults(handler=cmd_import)


def cmd_import(args, settings) -> int:
    from ingest.formats.detect import choose_format, needs_mapping, platform_of, read_rows
    from ingest.formats.tabular import ColumnMapping
    from ingest.pipeline import ImportTarget, run_import

    fmt, why = choose_format(args.path, args.format)
    print(f"format: {fmt} ({why})")
    mapping = ColumnMapping.parse(args.map) if needs_mapping(fmt) else None
    rows = read_rows(fmt, args.path, mapping)
    engine = engine_for(settings)
    communities.prepare_community(engine, args.community)
    platform = args.platform or platform_of(fmt)
    target = ImportTarget(args.community, args.source or args.path.name, platform)
    with Bar("import") as bar:
        summary = run_import(
            engine,
            rows,
            target,
            path=str(args.path),
            strict=args.strict,
            bots=settings.bots | frozenset(args.bot),
            batch_size=args.batch_size,
            on_progress=lambda progress: bar.set(progress.read),
        )
    print(format_summary(summary))
    if summary.rejected_total and not (summary.imported or summary.duplicates):
        print(
            "ecg: error: nothing was imported: every message row was rejected (see the "
            "reasons above; for CSV and JSONL, check the --map columns)",
            file=sys.stderr,
        )
        return 1
    return 0


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
    if summary.activity:
        lines.append(f"member activity kept: {summary.activity:,} (joins, leaves, reactions)")
    if summary.events:
        lines.append(f"platform events, not messages: {sum(summary.events.values()):,}")
        lines += [f"  {count:,} × {event}" for event, count in summary.events.most_common()]
    return "\n".join(lines)


def _simulate_parser(sub) -> None:
    p = sub.add_parser("simulate", help="backfill a simulated community (for demos and trials)")
    p.add_argument("--days", type=float, default=90)
    p.add_argument("--community", default=communities.DEMO_COMMUNITY)
    p.add_argument("--rate", type=float, default=60.0, help="messages per hour on average (60)")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=cmd_simulate)


def cmd_simulate(args, settings) -> int:
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


def _worker_parser(sub) -> None:
    p = sub.add_parser("worker", help="run the scheduled jobs until stopped")
    p.set_defaults(handler=cmd_worker)


def cmd_worker(args, settings) -> int:
    import threading

    from dashboard.worker.scheduler import install_stop_signals, run_worker
    from dashboard.worker.storage import StoragePolicy

    stop = threading.Event()
    install_stop_signals(stop)
    engine = engine_for(settings)
    init_database(engine)
    run_worker(
        engine,
        settings.worker_interval_seconds,
        settings.demo,
        stop,
        alerts_every=timedelta(seconds=settings.alert_interval_seconds),
        notifications=settings.notifications,
        report_mail=settings.report_mail,
        timezone=settings.timezone,
        storage=StoragePolicy(settings.retention_months, settings.retention_archive),
        forecast_time_limit=settings.forecast_time_limit_seconds,
    )
    return 0


def _run_parser(sub) -> None:
    p = sub.add_parser("run", help="prepare the database, start the worker and the dashboard")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address the dashboard listens on (127.0.0.1: this machine only; 0.0.0.0: every "
        "interface, for a server others reach, best behind a TLS proxy)",
    )
    p.set_defaults(handler=cmd_run)


def cmd_run(args, settings) -> int:
    from dashboard.cli.run import launch

    engine = engine_for(settings)
    init_database(engine)
    if not community_names(engine):
        create_demo(engine)
    password = accounts.create_first_admin(engine, datetime.now(UTC))
    if password is not None:
        print(
            "\n  No account existed, so one was made. Sign in with\n"
            f"      user name: admin\n      password:  {password}\n"
            "  (a one-time password: you choose your own at first sign-in)\n",
            flush=True,
        )
    return launch(args.port, args.address)


def _forecast_parser(sub) -> None:
    p = sub.add_parser("forecast", help="refit the forecasts that have new data, now")
    p.add_argument("--community", help="one community (default: every one)")
    p.add_argument(
        "--topic",
        action="append",
        metavar="NAME",
        help="only this topic (repeatable); default: every series",
    )
    p.set_defaults(handler=cmd_forecast)


def cmd_forecast(args, settings) -> int:
    from forecasting.refresh import refresh

    engine = engine_for(settings)
    init_database(engine)
    names = [args.community] if args.community else community_names(engine)
    for community in names:
        with Bar(f"forecast {community}", unit=" series") as bar:
            summary = refresh(
                engine,
                community,
                datetime.now(UTC),
                set(args.topic) if args.topic else None,
                bar.set,
                time_limit=settings.forecast_time_limit_seconds,
            )
        print(
            f"{community}: {len(summary.made)} forecast(s) made, {len(summary.skipped)} "
            "unchanged (no new data)"
        )
        for series, reason in summary.failed.items():
            print(f"  failed: {series}: {reason}")
    return 0


def _follow_parser(sub) -> None:
    p = sub.add_parser("follow", help="import new lines of a growing JSONL file (or folder)")
    p.add_argument("path", type=Path, help="a .jsonl file, or a folder of them")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="as for import: timestamp, author and text are required",
    )
    add_community_option(p, creates=True)
    p.add_argument("--platform", default="chat")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between looks (2)")
    p.set_defaults(handler=cmd_follow)


def cmd_follow(args, settings) -> int:
    import signal
    import threading

    from ingest.follow import follow
    from ingest.formats.tabular import ColumnMapping

    mapping = ColumnMapping.parse(args.map)
    if not args.path.exists():
        raise ValueError(f"{args.path}: no such file or folder")
    engine = engine_for(settings)
    communities.prepare_community(engine, args.community)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"following {args.path} (Ctrl-C stops)", flush=True)

    def report(summary) -> None:
        print(
            f"{summary.imported:,} new, {summary.duplicates:,} already stored, "
            f"{summary.rejected_total:,} rejected",
            flush=True,
        )

    follow(engine, args.path, mapping, args.community, args.platform, stop, args.interval, report)
    return 0


def _ingest_server_parser(sub) -> None:
    p = sub.add_parser(
        "ingest-server", help="take messages from bots over HTTP (POST /v1/messages)"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8765)
    add_community_option(p, creates=True)
    p.add_argument("--platform", default="api")
    p.set_defaults(handler=cmd_ingest_server)


def cmd_ingest_server(args, settings) -> int:
    from ingest.server import IngestConfig, make_server

    engine = engine_for(settings)
    communities.prepare_community(engine, args.community)
    server = make_server(
        IngestConfig(engine, settings.ingest_token, args.community, args.platform),
        args.host,
        args.port,
    )
    print(
        f"taking messages on http://{args.host}:{args.port}/v1/messages (Ctrl-C stops)", flush=True
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def _detect_parser(sub) -> None:
    p = sub.add_parser(
        "detect",
        help="score a timestamp,value series for spikes (CSV out)",
        description="Writes timestamp,value,anomaly_score,is_spike; see "
        "docs/forecasting.md for the method.",
    )
    p.add_argument("path", type=Path, help="a CSV with timestamp and value columns")
    p.add_argument("--output", type=Path, required=True)
    p.add_argument(
        "--z",
        type=float,
        default=None,
        help="how many standard deviations above recent values start a spike",
    )
    p.set_defaults(handler=cmd_detect)


def cmd_detect(args, settings) -> int:
    from dashboard.cli.detect import detect_file

    result = detect_file(args.path, args.output, args.z)
    print(
        f"{result.points:,} points, {result.spikes} spike(s); the first "
        f"{result.learning_points:,} points are too few to judge and score 0"
    )
    return 0


def _score_parser(sub) -> None:
    p = sub.add_parser("score", help="score texts: language, label, compound (CSV out)")
    p.add_argument("path", type=Path, help="a text file (one text per line) or a CSV")
    p.add_argument("--column", help="the CSV column holding the text")
    p.add_argument("--explain", action="store_true", help="add the words that moved the score")
    p.add_argument("--output", type=Path, help="write here instead of standard output")
    p.set_defaults(handler=cmd_score)


def cmd_score(args, settings) -> int:
    from dashboard.cli.score import score_file

    score_file(args.path, args.column, args.explain, args.output or sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
