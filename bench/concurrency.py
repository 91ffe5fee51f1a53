"""Readers and a writer at once: while a writer process stores `--rate` messages a second
(one transaction a second, as the worker and the ingest server do), `--sessions` dashboard
sessions (threads of this process, as Streamlit's are) run the Live page's queries every
5 seconds. Errors ("database is locked" and the
like), the writer's achieved rate and the readers' query times are printed.

    python bench/concurrency.py --database sqlite:////tmp/ecg-10m.db [--seconds 300]
    python bench/concurrency.py --database postgresql://ecg@127.0.0.1:55432/ecg10m

Target (issue 8): no errors, p95 of the Live page's queries under 300 ms, with 2,000
messages/s written and 20 sessions refreshing every 5 s for 5 minutes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from data_access import queries  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from data_access.setup import init_database  # noqa: E402
from ingest.pipeline import ImportTarget, run_import  # noqa: E402
from ingest.records import ParsedRow, RawMessage  # noqa: E402
from ingest.simulate_text import CHATTER  # noqa: E402

REFRESH_SECONDS = 5


def writer(url: str, community: str, rate: int, seconds: float, results) -> None:
    """The worker's side, in its own process: a batch of `rate` messages each second."""
    engine = make_engine(url)
    rng = random.Random(1)
    sequence, stored, errors, batch_seconds = 0, 0, [], []
    until = time.monotonic() + seconds
    due = time.monotonic()  # each batch a second after the one before, catching up if late
    while time.monotonic() < until:
        began = time.monotonic()
        due += 1.0
        now = datetime.now(UTC)
        rows = []
        for _ in range(rate):
            sequence += 1
            rows.append(
                ParsedRow(
                    sequence,
                    RawMessage(
                        f"live-{now:%Y%m%d%H%M%S}-{sequence}",
                        now - timedelta(milliseconds=rng.randrange(1000)),
                        f"live-{sequence % 10}",
                        f"live-member-{rng.randrange(5000)}",
                        "Live member",
                        rng.choice(CHATTER),
                    ),
                )
            )
        try:
            stored += run_import(engine, rows, ImportTarget(community, "live-feed", "api")).imported
        except Exception as error:  # noqa: BLE001 (counted and shown: the benchmark's point)
            errors.append(f"writer: {error}")
        batch_seconds.append(time.monotonic() - began)
        time.sleep(max(0.0, due - time.monotonic()))
    results.put((stored, errors, batch_seconds))


def reader(engine, community_id: int, until: float, report: dict, offset: float) -> None:
    time.sleep(offset)  # sessions spread over the refresh interval
    while time.monotonic() < until:
        began = time.monotonic()
        end = datetime.now(UTC)
        hour = end.replace(minute=0, second=0, microsecond=0)
        try:
            with engine.connect() as conn:
                minute = end.replace(second=0, microsecond=0)
                queries.messages_per_minute(
                    conn, community_id, minute - timedelta(hours=1), end, None
                )
                queries.same_hour_in_past_weeks(conn, community_id, hour, 8, None)
                queries.members_active_since(conn, community_id, end - timedelta(minutes=15), None)
                queries.newest_messages(conn, community_id, 15, None, end)
            report["query_seconds"].append(time.monotonic() - began)
        except Exception as error:  # noqa: BLE001
            report["errors"].append(f"reader: {error}")
        time.sleep(max(0.0, REFRESH_SECONDS - (time.monotonic() - began)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--community", default="scale")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rate", type=int, default=2000)
    args = parser.parse_args()
    engine = make_engine(args.database)
    init_database(engine)
    with engine.connect() as conn:
        community_id = conn.scalar(
            text("SELECT id FROM communities WHERE name = :n"), {"n": args.community}
        )
    report = {"errors": [], "query_seconds": []}
    results = multiprocessing.Queue()
    worker = multiprocessing.Process(
        target=writer, args=(args.database, args.community, args.rate, args.seconds, results)
    )
    worker.start()
    until = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=reader,
            args=(engine, community_id, until, report, n * REFRESH_SECONDS / args.sessions),
        )
        for n in range(args.sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored, writer_errors, batches = results.get()
    worker.join()
    report["stored"] = stored
    report["errors"] = writer_errors + report["errors"]
    waits = sorted(report["query_seconds"])
    p95 = waits[int(0.95 * (len(waits) - 1))] if waits else float("nan")
    print(
        f"{engine.dialect.name}, {args.seconds:.0f} s: writer stored {report['stored']:,} "
        f"({report['stored'] / args.seconds:,.0f}/s of {args.rate:,}/s asked; batch median "
        f"{statistics.median(batches):.2f} s, max {max(batches):.2f} s); {len(waits):,} Live "
        f"refreshes by {args.sessions} sessions: median {statistics.median(waits) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms (target < 300 ms); errors: {len(report['errors'])}"
    )
    for error in report["errors"][:5]:
        print("  ", error[:200])


if __name__ == "__main__":
    main()
