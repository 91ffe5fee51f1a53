"""A simulated year at scale for the scale benchmarks: 50 channels on 4 platforms, 40
topics, 100,000 members and the scripted incidents, written through the import pipeline
into SQLite or PostgreSQL.

    python bench/make_dataset.py --messages 10000000 --database sqlite:////tmp/ecg-10m.db
    python bench/make_dataset.py --messages 10000000 --database postgresql://...
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.topics import DEFAULT_TOPICS  # noqa: E402
from dashboard.communities import prepare_community  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from data_access.setup import init_database, seed_topics  # noqa: E402
from data_access.topics import rule_values  # noqa: E402
from ingest.pipeline import ImportTarget, run_import  # noqa: E402
from ingest.records import ParsedRow  # noqa: E402
from ingest.simulate import CommunitySpec, SourceSpec, default_incidents, simulate_source  # noqa: E402

END = datetime(2026, 11, 2, tzinfo=UTC)
AVERAGE_RHYTHM = 0.554
COMMUNITY = "scale"
SOURCES = (
    SourceSpec("scale-discord", "discord", tuple(f"discord-{n}" for n in range(20)), 0.45),
    SourceSpec("scale-slack", "slack", tuple(f"slack-{n}" for n in range(15)), 0.3),
    SourceSpec("scale-forum", "discourse", tuple(f"forum-{n}" for n in range(10)), 0.15),
    SourceSpec("scale-telegram", "telegram", tuple(f"telegram-{n}" for n in range(5)), 0.1),
)
# 31 topics on top of the 9 default ones, each on words of the simulated messages
EXTRA_TOPICS = (
    "feature version subscription roadmap setup refund price community update password "
    "report changelog pricing download invoice renew student charged waiting support "
    "payment account crash startup error exception regression login status mobile keyboard"
).split()


def spec_for(messages: int, days: float) -> CommunitySpec:
    rate = messages / (days * 24 * AVERAGE_RHYTHM)
    return CommunitySpec(
        seed=8,
        messages_per_hour=rate,
        members_per_source=25_000,
        sources=SOURCES,
        incidents=default_incidents(END),
    )


def build(url: str, messages: int, days: float) -> tuple[int, float]:
    engine = make_engine(url)
    init_database(engine)
    extra = [
        {
            "name": f"about {word}",
            "keywords": [word],
            "phrases": [],
            "patterns": [],
            "exclusions": [],
            "colour": "#7f7f7f",
        }
        for word in EXTRA_TOPICS
    ]
    defaults = [rule_values(rule) for rule in DEFAULT_TOPICS]
    seed_topics(engine, COMMUNITY, defaults + extra)  # 40 topics; nothing when it has some
    prepare_community(engine, COMMUNITY)
    spec = spec_for(messages, days)
    start = END - timedelta(days=days)
    total, started = 0, time.perf_counter()
    for source in spec.sources:
        rows = (ParsedRow(0, m) for m in simulate_source(spec, source, start, END))
        summary = run_import(engine, rows, ImportTarget(COMMUNITY, source.name, source.platform))
        total += summary.imported
        print(f"  {source.name}: {summary.imported:,} messages, {summary.rate:,.0f}/s", flush=True)
    engine.dispose()
    return total, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--database", required=True, help="a database URL")
    args = parser.parse_args()
    total, elapsed = build(args.database, args.messages, args.days)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = total / elapsed
    print(f"{total:,} messages in {elapsed:,.0f} s = {rate:,.0f}/s; peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
