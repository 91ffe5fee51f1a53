"""Ingest throughput: simulated messages into a fresh SQLite database, end to end
(parse, language, sentiment, topics, rollups), on one core; peak RSS.

    python bench/ingest.py [--messages 1000000] [--days 90] [--database PATH]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.communities import prepare_community  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from ingest.pipeline import ImportTarget, run_import  # noqa: E402
from ingest.records import ParsedRow  # noqa: E402
from ingest.simulate import CommunitySpec, default_incidents, simulate_source  # noqa: E402

AVERAGE_RHYTHM = 0.554  # mean of simulate.rhythm over a week
END = datetime(2026, 11, 2, tzinfo=UTC)


def spec_for(messages: int, days: float) -> CommunitySpec:
    rate = messages / (days * 24 * AVERAGE_RHYTHM)
    return CommunitySpec(
        seed=42, messages_per_hour=rate, members_per_source=20_000, incidents=default_incidents(END)
    )


def build(url: str, messages: int, days: float, report=print) -> tuple[int, float]:
    engine = make_engine(url)
    prepare_community(engine, "bench")
    spec = spec_for(messages, days)
    start = END - timedelta(days=days)
    total, elapsed = 0, 0.0
    for source in spec.sources:
        rows = (ParsedRow(0, m) for m in simulate_source(spec, source, start, END))
        began = time.perf_counter()
        summary = run_import(
            engine,
            rows,
            ImportTarget("bench", source.name, source.platform),
            on_progress=lambda s: None,
        )
        elapsed += time.perf_counter() - began
        total += summary.imported
        report(f"  {source.name}: {summary.imported:,} messages, {summary.rate:,.0f}/s")
    engine.dispose()
    return total, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--days", type=float, default=90)
    parser.add_argument("--database", type=Path, help="default: a temporary file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ecg-bench-"))
    path = args.database or folder / "bench.db"
    total, elapsed = build(f"sqlite:///{path}", args.messages, args.days)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ingest: {total:,} messages in {elapsed:.1f}s = {total / elapsed:,.0f} messages/s "
        f"(target >= 20,000/s); peak RSS {peak_mb:,.0f} MB (target < 600 MB)"
    )
    print(f"database: {path} ({path.stat().st_size / 1e6:,.0f} MB)")


if __name__ == "__main__":
    main()
