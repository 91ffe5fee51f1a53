"""Page reads at scale, on SQLite or PostgreSQL: each page's queries for a 30-day and a
365-day range ending at the data's end, 20 runs each, median and p95.

    python bench/scale_pages.py --database sqlite:////tmp/ecg-10m.db
    python bench/scale_pages.py --database postgresql://ecg@127.0.0.1:55432/ecg10m

Targets (issue 8): p95 under 200 ms for 30 days and under 1 s for a year.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from data_access import queries  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from data_access.setup import init_database  # noqa: E402

RUNS = 20


def _page_queries():
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="a database URL")
    parser.add_argument("--community", default="scale")
    args = parser.parse_args()
    pages = _page_queries()
    engine = make_engine(args.database)
    init_database(engine)  # a database made by an older version: migrate first
    with engine.connect() as conn:
        community_id = conn.scalar(
            text("SELECT id FROM communities WHERE name = :name"), {"name": args.community}
        )
        total = conn.scalar(text("SELECT count(*) FROM messages"))
        end = queries.data_extent(conn, community_id)[1] + timedelta(hours=1)
    print(f"{engine.dialect.name}: {total:,} messages; ranges ending {end:%F %H:%M}")
    for days in (30, 365):
        pages.DAYS = days
        with engine.connect() as conn:
            for page, calls in pages.page_queries(conn, community_id, end).items():
                runs = []
                for _ in range(RUNS):
                    began = time.perf_counter()
                    for function, *call_args in calls:
                        function(conn, *call_args)
                    runs.append(time.perf_counter() - began)
                runs.sort()
                p95 = runs[int(0.95 * (len(runs) - 1))]
                target = 200 if days == 30 else 1000
                print(
                    f"  {days:3d} days {page:11s} median {statistics.median(runs) * 1000:7.1f} ms"
                    f"  p95 {p95 * 1000:7.1f} ms  (target p95 < {target} ms)"
                )


if __name__ == "__main__":
    main()
