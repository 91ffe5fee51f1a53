"""Page speed on SQLite or PostgreSQL: each page's reads for a 30-day and a 365-day range
(median and p95 of 20 runs), and each page's first AppTest render.

    python bench/pages.py     (the 1M-message SQLite database, built when absent)
    python bench/pages.py --database sqlite:////tmp/ecg-10m.db          (bench/make_dataset.py)
    python bench/pages.py --database postgresql://ecg@127.0.0.1:55432/ecg10m
    python bench/pages.py --database sqlite:////tmp/1m.db --against sqlite:////tmp/10m.db
        (the same 30 days on two databases, their runs taken in turn: bench/amplify.py --back
        makes one with ten times the history behind the same last 90 days)

Targets (issue 8): p95 under 200 ms for 30 days and under 1 s for a year on both
databases; each page's first AppTest render under 2 s.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from analysis.series import bucket_edges  # noqa: E402
from bench.common import million_messages  # noqa: E402
from dashboard.web.timeranges import TimeRange, bucket_for  # noqa: E402
from data_access import queries  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from data_access.setup import init_database  # noqa: E402

RUNS = 20
LIVE_HOUR, LIVE_ACTIVE = timedelta(minutes=60), timedelta(minutes=15)


def page_queries(conn, community_id: int, end, days: int, channel_ids=None) -> dict[str, list]:
    """The reads each page makes for a range of `days` ending at `end` (the sidebar's
    included), in buckets of the viewer's days (UTC here) as the pages draw them."""
    start = end - timedelta(days=days)
    window = TimeRange(start, end)
    edges = bucket_edges(start, end, bucket_for(window), "UTC")
    topic_id = conn.scalar(text("SELECT min(id) FROM topics"))
    sidebar = [
        (queries.communities,),
        (queries.channels, community_id),
        (queries.data_extent, community_id),
    ]
    now = datetime.now(UTC)  # the Live page always reads the last minutes before now
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    return {
        "live": sidebar
        + [
            (queries.messages_per_minute, community_id, now - LIVE_HOUR, now, channel_ids),
            (queries.same_hour_in_past_weeks, community_id, this_hour, 8, channel_ids),
            (queries.members_active_since, community_id, now - LIVE_ACTIVE, channel_ids),
            (queries.newest_messages, community_id, 15, channel_ids, now),
        ],
        "sentiment": sidebar
        + [
            (queries.channel_sums, community_id, edges, channel_ids),
            (queries.most_negative_messages, community_id, start, end, channel_ids, 25),
        ],
        "topic_heat": sidebar
        + [
            (queries.topics, community_id),
            (queries.topic_sums, community_id, edges, channel_ids),
            (queries.topic_sums, community_id, (start - timedelta(days=days), start), channel_ids),
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


def time_queries(engine, community_id: int, end, days: int) -> dict[str, tuple[float, float]]:
    """(median, p95) seconds of each page's reads for a range of `days`, over RUNS runs."""
    figures = {}
    with engine.connect() as conn:
        for page, calls in page_queries(conn, community_id, end, days).items():
            runs = []
            for _ in range(RUNS):
                began = time.perf_counter()
                for function, *args in calls:
                    function(conn, *args)
                runs.append(time.perf_counter() - began)
            runs.sort()
            figures[page] = (statistics.median(runs), runs[int(0.95 * (len(runs) - 1))])
    return figures


def time_side_by_side(engines, community_id: int, end, days: int, runs: int):
    """{page: [p95 seconds on each engine]} of each page's reads for a range of `days`, the
    engines' runs taken in turn (A B A B ...), so that a machine that slows down or speeds
    up in the meantime weighs on both alike."""
    connections = [engine.connect() for engine in engines]
    try:
        calls = [page_queries(conn, community_id, end, days) for conn in connections]
        figures = {}
        for page in calls[0]:
            timings = [[] for _ in engines]
            for _ in range(runs):
                for index, conn in enumerate(connections):
                    began = time.perf_counter()
                    for function, *args in calls[index][page]:
                        function(conn, *args)
                    timings[index].append(time.perf_counter() - began)
            figures[page] = [sorted(t)[int(0.95 * (runs - 1))] for t in timings]
        return figures
    finally:
        for conn in connections:
            conn.close()


RANGED = ("sentiment", "topic_heat")  # the pages the sidebar's range applies to
OTHERS = ("live", "forecasts", "alerts", "weekly", "overview", "topics", "thresholds", "members")


def time_first_renders(url: str, end, days: int, pages) -> dict[str, float]:
    """Seconds of each page's first AppTest run (caches cleared) with a range of `days`,
    signed in as an administrator ("bench", made when absent)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from access.permissions import SERVER_SHELL, Role
    from dashboard.web.auth import ACCOUNT_KEY, LAST_SEEN_KEY
    from data_access import accounts

    os.environ["ECG_DATABASE_URL"] = url
    engine = make_engine(url)
    if accounts.find(engine, "bench") is None:
        password = secrets.token_urlsafe(16)
        accounts.add_user(engine, SERVER_SHELL, "bench", Role.ADMIN, password, datetime.now(UTC))
    first, last = (end - timedelta(days=days)).date(), (end - timedelta(seconds=1)).date()
    timings = {}
    for page in pages:
        app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
        app.session_state[ACCOUNT_KEY] = "bench"
        app.session_state[LAST_SEEN_KEY] = datetime.now(UTC)
        app.run()
        app.selectbox(key="preset").set_value("Custom").run()
        app.date_input(key="custom_dates").set_value((first, last)).run()
        app.switch_page(f"../pages/{page}.py")
        st.cache_data.clear()
        began = time.perf_counter()
        app.run()
        timings[page] = time.perf_counter() - began
        if app.exception:
            raise RuntimeError(f"{page}: {app.exception[0].message}")
        if page in RANGED and not app.get("plotly_chart"):
            raise RuntimeError(f"{page}: no chart drawn; the timing would not be of a real page")
    return timings


def compare(engine, other, community: str | None, end) -> None:
    """The 30-day page reads of two databases (the same community id in both) side by side."""
    init_database(other)
    with engine.connect() as conn:
        community_id = conn.scalar(
            text("SELECT min(id) FROM communities WHERE name = coalesce(:name, name)"),
            {"name": community},
        )
    totals = []
    for each in (engine, other):
        with each.connect() as conn:
            totals.append(conn.scalar(text("SELECT count(*) FROM messages")))
    runs = 2 * RUNS
    print(f"30 days ending {end:%F}, p95 of {runs} runs each, in turn: A {totals[0]:,} messages")
    print(f"against B {totals[1]:,} messages (target B/A <= 1.1 when only the history differs)")
    for page, (first, second) in time_side_by_side(
        (engine, other), community_id, end, 30, runs
    ).items():
        print(
            f"  {page:11s} A {first * 1000:7.1f} ms  B {second * 1000:7.1f} ms"
            f"  B/A {second / first:5.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="a database URL (default: the 1M SQLite database)")
    parser.add_argument("--community", help="default: the first community")
    parser.add_argument("--end", default="2026-11-02", help="the ranges' end (UTC day)")
    parser.add_argument("--no-apptest", action="store_true", help="time the reads only")
    parser.add_argument(
        "--against", help="a second database URL: the 30-day reads of both, side by side"
    )
    args = parser.parse_args()
    url = args.database or million_messages()
    engine = make_engine(url)
    init_database(engine)  # a database made by an older version: migrate first
    end = datetime.fromisoformat(args.end).replace(tzinfo=UTC)
    if args.against:
        compare(engine, make_engine(args.against), args.community, end)
        return
    with engine.connect() as conn:
        community_id = conn.scalar(
            text("SELECT min(id) FROM communities WHERE name = coalesce(:name, name)"),
            {"name": args.community},
        )
        total = conn.scalar(text("SELECT count(*) FROM messages"))
    print(f"{engine.dialect.name}: {total:,} messages; ranges ending {end:%F %H:%M} UTC")
    print(f"page reads, {RUNS} runs (targets p95 < 200 ms for 30 days, < 1 s for 365 days)")
    for days in (30, 365):
        for page, (median, p95) in time_queries(engine, community_id, end, days).items():
            print(
                f"  {days:3d} days  {page:11s} median {median * 1000:7.1f} ms"
                f"  p95 {p95 * 1000:7.1f} ms"
            )
    if args.no_apptest:
        return
    from dashboard.report.figures import refresh_stored_figures

    began = time.perf_counter()
    weeks = refresh_stored_figures(engine, community_id, "UTC", datetime.now(UTC))
    print(
        f"the worker's weekly figures (every 15 minutes; the Weekly page reads them): "
        f"{weeks} week(s) counted in {time.perf_counter() - began:.1f} s"
    )
    print("first AppTest render, caches cleared (target < 2 s)")
    for days, pages in ((30, RANGED + OTHERS), (365, RANGED)):
        for page, seconds in time_first_renders(url, end, days, pages).items():
            print(f"  {days:3d} days  {page:11s} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
