"""`ecg report`: the weekly report of a community as a one-page PDF (and its KPI table)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from analysis.weeks import WEEKS_OFFERED, parse_week, week_to_open
from dashboard.cli.common import add_community_option, zone_named
from dashboard.i18n import CHINESE, ENGLISH, LANGUAGES


def add_parsers(sub) -> None:
    p = sub.add_parser("report", help="write the weekly report as a one-page PDF")
    p.add_argument(
        "--week",
        help="ISO week like 2026-W47 (default: the last complete week; when no message came "
        "in it or after it, as in an archive, the week of the newest message)",
    )
    add_community_option(p)
    p.add_argument("--output", type=Path, help="PDF path (default: COMMUNITY-WEEK.pdf)")
    p.add_argument("--timezone", help="weeks in this zone (default: the configured one)")
    p.add_argument(
        "--language",
        choices=sorted(LANGUAGES),
        default=ENGLISH,
        help="the PDF's language: en (default) or zh_CN (Simplified Chinese)",
    )
    p.set_defaults(handler=cmd_report, check=check_arguments)


def check_arguments(args, settings) -> None:
    """The week and the zone, checked before the database is touched."""
    zone_named(args.timezone or settings.timezone)
    if args.week:
        parse_week(args.week)


def _default_week(conn, community_id: int, zone: str):
    """The last complete week, or the newest message's (as the Weekly page opens)."""
    from data_access.queries import data_extent

    extent = data_extent(conn, community_id)
    last_hour = extent[1] if extent else None
    return week_to_open(last_hour, datetime.now(UTC), zone, WEEKS_OFFERED)


def cmd_report(args, settings) -> int:
    from dashboard.report.figures import weekly_report
    from dashboard.report.pdf import report_pdf
    from data_access.communities import community_id_of
    from data_access.db import make_engine

    zone = args.timezone or settings.timezone
    engine = make_engine(settings.database_url)
    community_id = community_id_of(engine, args.community)
    if community_id is None:
        raise ValueError(f"no community named {args.community!r}")
    with engine.connect() as conn:
        week = parse_week(args.week) if args.week else _default_week(conn, community_id, zone)
        report = weekly_report(conn, community_id, args.community, week, zone)
    output = args.output or Path(f"{args.community}-{week.name}.pdf")
    output.write_bytes(report_pdf(report, args.language))
    print(report.summary_zh if args.language == CHINESE else report.summary)
    print(f"wrote {output} (week {week.name}, {zone})")
    return 0
