"""`ecg import`, `ecg follow` and `ecg ingest-server`: messages in, from files or HTTP."""

from __future__ import annotations

import logging
import sys
from datetime import UTC
from pathlib import Path

from dashboard.cli.common import (
    add_community_option,
    add_topics_option,
    engine_for,
    format_summary,
    zone_named,
)
from ingest.formats.detect import FORMATS
from ingest.records import DEFAULT_BATCH_SIZE

log = logging.getLogger("ecg")


def _columns_line(mapping) -> str:
    """Which column holds each field, and whether some were read from the column names."""
    return f"columns: {mapping.described()}" + (
        " (read from the column names where --map does not say)" if mapping.read_from_names else ""
    )


def add_parsers(sub) -> None:
    _import_parser(sub)
    _follow_parser(sub)
    _ingest_server_parser(sub)


def _import_parser(sub) -> None:
    p = sub.add_parser(
        "import",
        help="import a chat export (CSV, JSONL, Discord, Slack, Telegram, Discourse, Reddit, "
        "WeChat, QQ, Messenger, WhatsApp)",
        description="Import messages; see docs/import.md for the mapping.",
    )
    p.add_argument("path", type=Path)
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="default: recognised from the content (every format but csv and jsonl), else "
        "from the file extension",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="timestamp, author and text are required; channel, id, reply_to, author_name, "
        "title and is_bot are optional; a field not given is read from a column named for it "
        "(timestamp_utc, author_id, message, …; docs/import.md)",
    )
    add_community_option(p, creates=True)
    add_topics_option(p)
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
    p.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the zone of times written without one (WhatsApp, QQ and WeChat exports; CSV "
        "and JSONL times without an offset), as Europe/Berlin; default: UTC, Asia/Shanghai "
        "for QQ and WeChat",
    )
    p.set_defaults(handler=cmd_import, check=check_import)


def check_import(args, settings) -> None:
    """The file and the zone, checked before the format is guessed from a file that is
    not there (which asked for column mappings) or the database is touched."""
    check_follow(args, settings)
    if args.path.is_dir():
        raise ValueError(
            f"{args.path}: a folder; ecg import reads one export file (a Slack export as its "
            ".zip; ecg follow reads a folder of .jsonl files)"
        )


def check_follow(args, settings) -> None:
    """The path (a file or a folder) and the zone, before the database is touched."""
    if not args.path.exists():
        raise ValueError(f"{args.path}: no such file or folder")
    check_zone(args, settings)


def check_zone(args, settings) -> None:
    """The zone named, checked before the file or the database is touched."""
    if args.timezone is not None:
        zone_named(args.timezone)


def _clock_line(fmt: str, zone: str | None) -> str:
    """Which zone the export's clock times are read in, or that it carries its own."""
    from ingest.formats.clock_zone import default_zone_name, writes_clock_times

    if not writes_clock_times(fmt):
        own = f"{fmt} exports carry their own time zone"
        return f"times: {own}{'; --timezone is not used' if zone else ''}"
    default = default_zone_name(fmt)
    where = "without an offset " if fmt in ("csv", "jsonl") else ""
    if zone:
        return f"times: clock times {where}read in {zone}"
    return f"times: clock times {where}read in {default} (--timezone names another zone)"


def cmd_import(args, settings) -> int:
    from dashboard import communities
    from dashboard.cli.progress import Bar
    from ingest.formats.columns import header_of
    from ingest.formats.detect import choose_format, needs_mapping, platform_of, read_rows
    from ingest.formats.tabular import ColumnMapping
    from ingest.pipeline import ImportTarget, run_import

    fmt, why = choose_format(args.path, args.format)
    guessed = fmt == "csv" and not args.format  # any file not recognised reads as CSV
    print(f"format: {fmt} ({why}{'; --format overrides' if guessed else ''})")
    mapping = None
    if needs_mapping(fmt):
        mapping = ColumnMapping.parse(args.map, header_of(args.path, fmt))
        print(_columns_line(mapping))
    zone = zone_named(args.timezone) if args.timezone else None
    print(_clock_line(fmt, args.timezone))
    rows = read_rows(fmt, args.path, mapping, zone)
    engine = engine_for(settings)
    communities.prepare_community(engine, args.community, args.topics)
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


def _follow_parser(sub) -> None:
    p = sub.add_parser("follow", help="import new lines of a growing JSONL file (or folder)")
    p.add_argument("path", type=Path, help="a .jsonl file, or a folder of them")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="as for import: timestamp, author and text are required, read from the first "
        "line's names where not given",
    )
    add_community_option(p, creates=True)
    add_topics_option(p)
    p.add_argument("--platform", default="chat")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between looks (2)")
    p.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the zone of times written without an offset, as Europe/Berlin (default: UTC)",
    )
    p.set_defaults(handler=cmd_follow, check=check_follow)


def cmd_follow(args, settings) -> int:
    import signal
    import threading

    from dashboard import communities
    from ingest.follow import files_of, follow
    from ingest.formats.columns import header_of
    from ingest.formats.tabular import ColumnMapping

    headers = (header_of(file, "jsonl") for file in files_of(args.path))
    mapping = ColumnMapping.parse(args.map, next((h for h in headers if h), []))
    zone = zone_named(args.timezone) if args.timezone else UTC
    print(_columns_line(mapping))
    print(_clock_line("jsonl", args.timezone))
    engine = engine_for(settings)
    communities.prepare_community(engine, args.community, args.topics)
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

    follow(
        engine, args.path, mapping, args.community, args.platform, stop, args.interval, report,
        zone,
    )  # fmt: skip
    return 0


def _ingest_server_parser(sub) -> None:
    p = sub.add_parser(
        "ingest-server", help="take messages from bots over HTTP (POST /v1/messages)"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8765)
    add_community_option(p, creates=True)
    add_topics_option(p)
    p.add_argument("--platform", default="api")
    p.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the zone of timestamps sent without an offset, as Asia/Shanghai (default: UTC)",
    )
    p.set_defaults(handler=cmd_ingest_server, check=check_zone)


def cmd_ingest_server(args, settings) -> int:
    from dashboard import communities
    from ingest.server import IngestConfig, make_server

    zone = zone_named(args.timezone) if args.timezone else UTC
    engine = engine_for(settings)
    communities.prepare_community(engine, args.community, args.topics)
    config = IngestConfig(engine, settings.ingest_token, args.community, args.platform, zone=zone)
    server = make_server(config, args.host, args.port)
    print(_clock_line("jsonl", args.timezone).replace("clock times", "timestamps"))
    print(
        f"taking messages on http://{args.host}:{args.port}/v1/messages (Ctrl-C stops)", flush=True
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
