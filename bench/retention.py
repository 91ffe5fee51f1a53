"""Retention on a large database: how long removing the oldest months of raw messages
takes. Changes the database: the months go.

    python bench/retention.py --database URL --months 11 [--now 2026-11-25] [--archive]

On PostgreSQL the months' partitions are detached and dropped (or archived); on SQLite the
rows are deleted 5,000 per transaction. Prints the messages before and after, what went,
the seconds taken, and that every rollup total is unchanged.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from data_access.db import make_engine  # noqa: E402
from data_access.retention import apply_retention  # noqa: E402
from data_access.schema import ChannelHourly, Message, TopicTotal  # noqa: E402
from data_access.setup import init_database  # noqa: E402


def totals(engine) -> tuple[int, int, int]:
    """Raw messages, and the messages the channel rollups and the topic totals count."""
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(Message)),
            conn.scalar(select(func.sum(ChannelHourly.messages))),
            conn.scalar(select(func.sum(TopicTotal.messages))),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, metavar="URL")
    parser.add_argument("--months", type=int, required=True)
    parser.add_argument("--now", default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--archive", action="store_true")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now).replace(tzinfo=UTC) if args.now else datetime.now(UTC)
    engine = make_engine(args.database)
    init_database(engine)
    raw_before, channel_before, topic_before = totals(engine)
    print(f"{engine.dialect.name}: {raw_before:,} raw messages", flush=True)
    started = time.perf_counter()
    result = apply_retention(engine, args.months, now, archive=args.archive)
    seconds = time.perf_counter() - started
    raw_after, channel_after, topic_after = totals(engine)
    print(f"kept from {result.kept_since:%Y-%m-%d}: {result.removed:,} removed in {seconds:.1f} s")
    if result.months:
        print(
            f"months {'archived' if args.archive else 'dropped'}: "
            + ", ".join(f"{m:%Y-%m}" for m in result.months)
        )
    print(f"raw messages now {raw_after:,} (was {raw_before:,})")
    unchanged = (channel_after, topic_after) == (channel_before, topic_before)
    print(
        f"rollup totals {'unchanged' if unchanged else 'CHANGED'}: channels {channel_after:,}, "
        f"topics {topic_after:,}"
    )


if __name__ == "__main__":
    main()
