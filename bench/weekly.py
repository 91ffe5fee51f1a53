"""The weekly report on a 1,000,000-message, 90-day SQLite database: the figures' reads, the
Weekly page's AppTest render, and `ecg report`'s PDF.

    python bench/weekly.py [--database PATH]   (built with bench/ingest.py when absent)

Targets (issue 6): the page renders in under 1 s under AppTest; the PDF in under 5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from access.permissions import SERVER_SHELL, Role  # noqa: E402
from analysis.weeks import last_complete_week  # noqa: E402
from bench.common import MILLION, million_messages  # noqa: E402
from dashboard.cli.main import main as ecg  # noqa: E402
from data_access import accounts, queries  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from data_access.schema import Community  # noqa: E402
from data_access.setup import init_database  # noqa: E402

REPEATS = 3
ZONE = "UTC"


def page_render(url: str, week) -> float:
    """Seconds of the AppTest run that draws the chosen week, caches cleared first."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.web.auth import ACCOUNT_KEY, LAST_SEEN_KEY

    os.environ["ECG_DATABASE_URL"] = url
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    app.session_state[ACCOUNT_KEY] = "bench-executive"
    app.session_state[LAST_SEEN_KEY] = datetime.now(UTC)
    app.run()
    st.cache_data.clear()
    chooser = next(s for s in app.selectbox if s.label == "Week")
    started = time.perf_counter()
    chooser.set_value(week).run()
    seconds = time.perf_counter() - started
    if app.exception or not any(m.label == "Active members" for m in app.metric):
        raise RuntimeError(f"the page did not draw: {[e.message for e in app.exception]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, default=MILLION)
    args = parser.parse_args()
    url = million_messages(args.database)
    engine = make_engine(url)
    init_database(engine)
    if accounts.find(engine, "bench-executive") is None:
        password = "bench password 1234"
        accounts.add_user(
            engine, SERVER_SHELL, "bench-executive", Role.EXECUTIVE, password, datetime.now(UTC)
        )
    with engine.connect() as conn:
        community = conn.execute(
            select(Community.id, Community.name).order_by(Community.id)
        ).first()
        last_hour = queries.data_extent(conn, community.id)[1]
    week = last_complete_week(last_hour, ZONE)
    print(f"database: {args.database}; community {community.name}; week {week.name} ({ZONE})")

    from dashboard.report.figures import refresh_stored_figures, weekly_report

    with engine.begin() as conn:  # start cold: nothing stored yet
        conn.execute(text("DELETE FROM weekly_figures"))
    started = time.perf_counter()
    with engine.connect() as conn:
        weekly_report(conn, community.id, community.name, week, ZONE)
    print(f"figures of 13 weeks, nothing stored (cold): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    worker_ran = week.end(ZONE) + timedelta(days=8)  # as a week after the data's last week
    counted = refresh_stored_figures(engine, community.id, ZONE, worker_ran)
    print(f"the worker stores {counted} weeks: {time.perf_counter() - started:.2f} s")

    reads = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        with engine.connect() as conn:
            report = weekly_report(conn, community.id, community.name, week, ZONE)
        reads.append(time.perf_counter() - started)
    figures = report.figures[-1]
    print(
        f"figures of 13 weeks, stored by the worker: {statistics.median(reads):.2f} s median "
        f"({figures.messages:,} messages, {figures.active:,} active members this week)"
    )
    renders = [page_render(url, week) for _ in range(REPEATS)]
    print(f"Weekly page, AppTest run: {statistics.median(renders):.2f} s median (target < 1 s)")

    output = Path("/tmp/ecg-bench-report.pdf")
    os.environ["ECG_DATABASE_URL"] = url
    started = time.perf_counter()
    argv = ["-q", "report", "--community", community.name, "--week", week.name]
    code = ecg([*argv, "--output", str(output), "--timezone", ZONE])
    seconds = time.perf_counter() - started
    print(
        f"ecg report: {seconds:.2f} s, exit {code}, {output.stat().st_size:,} bytes (target < 5 s)"
    )


if __name__ == "__main__":
    main()
