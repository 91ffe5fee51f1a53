"""Page speed on a 1,000,000-message, 90-day SQLite database: each page's queries for
a 30-day range (median of 5), and each page's AppTest run.

    python bench/pages.py [--database PATH]   (built with bench/ingest.py when absent)
"""

from __future__ import annotations

import argparse
import os
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

REPEATS = 5
DAYS = 30


def page_queries(conn, community_id: int, end, channel_ids=None) -> dict[str, list]:
    """The reads each page makes for a 30-day range ending at `end` (the sidebar's included)."""
    start = end - timedelta(days=DAYS)
    hour = end.replace(minute=0, second=0, microsecond=0)
    topic_id = conn.scalar(text("SELECT min(id) FROM topics"))
    sidebar = [
        (queries.communities,),
        (queries.channels, community_id),
        (queries.data_extent, community_id),
    ]
    return {
        "live": sidebar
        + [
            (queries.message_times, community_id, end - timedelta(minutes=60), end, channel_ids),
            (queries.same_hour_in_past_weeks, community_id, hour, 8, channel_ids),
            (queries.active_members, community_id, end - timedelta(minutes=15), end, channel_ids),
            (queries.newest_messages, community_id, 15, channel_ids, end),
        ],
        "sentiment": sidebar
        + [
            (queries.channel_hourly, community_id, start, end, channel_ids),
            (queries.most_negative_messages, community_id, start, end, channel_ids, 25),
        ],
        "topic_heat": sidebar
        + [
            (queries.topics, community_id),
            (queries.topic_hourly, community_id, start, end, channel_ids),
            (queries.topic_hourly, community_id, start - timedelta(days=DAYS), start, channel_ids),
            (
                queries.topic_messages,
                community_id,
                topic_id,
                end - timedelta(days=1),
                end,
                channel_ids,
                100,
            ),
        ],
        "topics": sidebar
        + [
            (queries.topics, community_id),
            (queries.recent_texts, community_id, 500),
        ],
    }


def time_queries(engine, end) -> dict[str, float]:
    medians = {}
    with engine.connect() as conn:
        community_id = conn.scalar(text("SELECT id FROM communities WHERE name = 'bench'"))
        for page, calls in page_queries(conn, community_id, end).items():
            runs = []
            for _ in range(REPEATS):
                began = time.perf_counter()
                for function, *args in calls:
                    function(conn, *args)
                runs.append(time.perf_counter() - began)
            medians[page] = statistics.median(runs)
    return medians


def time_apptest(url: str, end) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    os.environ["ECG_DATABASE_URL"] = url
    first, last = (end - timedelta(days=DAYS)).date(), (end - timedelta(seconds=1)).date()
    timings = {}
    for page in ["live", "sentiment", "topic_heat", "topics"]:
        app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        app.run()
        app.selectbox(key="preset").set_value("Custom").run()
        app.date_input(key="custom_dates").set_value((first, last)).run()
        app.switch_page(f"../pages/{page}.py")
        import streamlit as st

        st.cache_data.clear()
        began = time.perf_counter()
        app.run()
        timings[page] = time.perf_counter() - began
        if app.exception:
            raise RuntimeError(f"{page}: {app.exception[0].message}")
        if page in ("sentiment", "topic_heat") and not app.get("plotly_chart"):
            raise RuntimeError(f"{page}: no chart drawn; the timing would not be of a real page")
    return timings


def _load(name: str, path: Path):
    """bench/ingest.py by path: its name would shadow the `ingest` package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, default=Path("/tmp/ecg-bench-1m.db"))
    args = parser.parse_args()
    bench_ingest = _load("bench_ingest", ROOT / "bench" / "ingest.py")
    if not args.database.exists():
        print(f"building {args.database} (1,000,000 messages, 90 days)…")
        bench_ingest.build(f"sqlite:///{args.database}", 1_000_000, 90)
    url = f"sqlite:///{args.database}"
    engine = make_engine(url)
    with engine.connect() as conn:
        total = conn.scalar(text("SELECT count(*) FROM messages"))
    end = bench_ingest.END
    print(f"database: {args.database}, {total:,} messages, range {DAYS} days ending {end:%F}")
    queries_ms = time_queries(engine, end)
    apptest_s = time_apptest(url, end)
    print(f"{'page':<12} {'queries, median of 5':>22} {'AppTest run':>12}")
    for page, seconds in queries_ms.items():
        print(f"{page:<12} {seconds * 1000:>19.1f} ms {apptest_s[page]:>10.2f} s")
    print("targets: queries under 150 ms, AppTest run under 1.5 s")


if __name__ == "__main__":
    main()
