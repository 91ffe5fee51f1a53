"""`ecg forecast`, `ecg detect`, `ecg score` and `ecg classify`: forecasts, spike scores,
text scores and message kinds."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from dashboard.cli.common import add_column_option, engine_for

log = logging.getLogger("ecg")


def add_parsers(sub) -> None:
    _forecast_parser(sub)
    _detect_parser(sub)
    _score_parser(sub)
    _classify_parser(sub)


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
    from dashboard.cli.progress import Bar
    from data_access.communities import community_names
    from data_access.setup import init_database
    from forecasting.refresh import refresh

    engine = engine_for(settings)
    init_database(engine)
    known = community_names(engine)
    if args.community and args.community not in known:
        raise ValueError(f"no community named {args.community!r}")
    if not known:
        raise ValueError(
            "there is no community yet, so nothing to forecast: import messages first "
            "(ecg import), or make the demo (ecg init-db --demo)"
        )
    names = [args.community] if args.community else known
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
    p.add_argument(
        "path", type=Path, help="a text file (one text per line) or a CSV; - reads standard input"
    )
    add_column_option(p)
    p.add_argument("--explain", action="store_true", help="add the words that moved the score")
    p.add_argument("--output", type=Path, help="write here instead of standard output")
    p.set_defaults(handler=cmd_score)


def cmd_score(args, settings) -> int:
    from dashboard.cli.score import score_file

    score_file(args.path, args.column, args.explain, args.output or sys.stdout)
    return 0


def _classify_parser(sub) -> None:
    p = sub.add_parser(
        "classify",
        help="the kind of each text: question, bug report, feature request, complaint, "
        "praise or other (CSV out); `ecg classify train`: tune the community's kind model "
        "on its corrections",
        description="ecg classify FILE writes row,text,language,kind,confidence. "
        "ecg classify train [--community NAME] tunes the community's kind model on the "
        "corrections its analysts made and prints the figures before and after. "
        "See docs/kinds.md",
    )
    p.add_argument(
        "path",
        type=Path,
        metavar="FILE|train",
        help="a text file (one text per line) or a CSV; - reads standard input",
    )
    add_column_option(p)
    p.add_argument("--output", type=Path, help="write here instead of standard output")
    p.add_argument("--community", help="train: the community (default: the only one)")
    p.set_defaults(handler=cmd_classify)


def cmd_classify(args, settings) -> int:
    from dashboard.cli.classify import classify_file, train_community_model

    if args.path == Path("train") and not args.path.exists():
        return train_community_model(settings, args.community)
    count = classify_file(args.path, args.column, args.output or sys.stdout)
    if args.output:
        log.info("classified %s texts into %s", f"{count:,}", args.output)
    return 0
