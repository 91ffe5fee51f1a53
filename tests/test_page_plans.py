"""Every page's reads follow the range shown, not the history: each statement a page sends
while it renders is captured and its plan read; none may read a table that grows with the
history from end to end.

SQLite keeps no statistics unless ANALYZE is run (the product never runs it on its own
tables), so the plan read here is the plan it follows at any size: a `SCAN` of such a table,
or an index read by the community alone with no LIMIT to stop it, fails. PostgreSQL plans
from statistics, and a test database's few rows say little of a large one's plan; there,
with sequential scans priced out, a `Seq Scan` left means no index can serve the read."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from dashboard.communities import simulate
from dashboard.worker.weekly import store_member_weeks, store_weekly_figures
from data_access.db import make_engine
from ingest.simulate import CommunitySpec
from tests.sent_sql import SentSQL
from tests.test_pages import PAGES, open_page

# tables whose rows grow with the messages, the hours or the weeks kept
HISTORY_TABLES = {
    "messages",
    "message_topics",
    "channel_hourly",
    "topic_hourly",
    "topic_totals",
    "recent_minutes",
    "recent_members",
    "members",
    "member_activity",
    "member_weeks",
    "member_week_tallies",
    "member_week_counts",
    "alert_episodes",
    "notifications",
    "audit_log",
    "forecast_points",
    "corrections",
}
# pages that read every account of a community by design, not by history: the identity
# page matches all accounts to each other; a segment is a filter over everyone
WHOLE_COMMUNITY_BY_DESIGN = {"../pages/people.py": {"members"}, "../pages/segments.py": {"members"}}
PARTIAL_INDEXES = {"ix_members_flagged"}  # a community's bots and staff only
EVERY_PAGE = [*PAGES, "../pages/overview.py", "../pages/forecasts.py", "../pages/audit.py"]
PARTITION = re.compile(r"_\d{4}_\d{2}$")  # PostgreSQL's monthly partitions: messages_2026_03


@pytest.fixture(scope="module")
def recent_community(module_database_url) -> str:
    """Three weeks of the simulated community up to this hour, with the worker's figures."""
    url = module_database_url
    engine = make_engine(url)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    simulate(engine, "demo", now - timedelta(days=21), now, CommunitySpec(seed=5))
    store_weekly_figures(engine, "UTC", now)
    store_member_weeks(engine, "UTC", now)
    engine.dispose()
    return url


def whole_reads(engine: Engine, statement: str, parameters) -> list[str]:
    """The history tables the statement's plan reads from end to end: a table scan, or
    (with no LIMIT to stop it) an index read by the community alone."""
    limited = " LIMIT " in statement.upper()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            tables = _sqlite_whole_reads([row[-1] for row in rows], limited)
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            tables = _postgresql_whole_reads([row[0] for row in rows])
    return sorted({PARTITION.sub("", table) for table in tables} & HISTORY_TABLES)


def _sqlite_whole_reads(lines: list[str], limited: bool) -> set[str]:
    whole = set()
    for line in lines:
        if scan := re.match(r"SCAN (\w+)", line):
            whole.add(scan.group(1))
        elif (
            not limited
            and (by := re.match(r"SEARCH (\w+) .*INDEX (\w+) \(community_id=\?\)$", line))
            and by.group(2) not in PARTIAL_INDEXES
        ):
            whole.add(by.group(1))
    return whole


def _postgresql_whole_reads(lines: list[str]) -> set[str]:
    return {scan.group(1) for line in lines if (scan := re.search(r"Seq Scan on (\w+)", line))}


@pytest.mark.parametrize("page", EVERY_PAGE)
def test_no_page_reads_a_history_table_end_to_end(monkeypatch, recent_community, page):
    with SentSQL() as statements:
        open_page(monkeypatch, recent_community, page)
    assert len(statements.sent) >= 3, statements.sent  # the page read something
    allowed = WHOLE_COMMUNITY_BY_DESIGN.get(page, set())
    engine = make_engine(recent_community)
    scans = {
        sent.statement: tables
        for sent in statements.sent
        if (tables := set(whole_reads(engine, sent.statement, sent.parameters)) - allowed)
    }
    engine.dispose()
    assert not scans, "\n\n".join(f"{tables}: {sql}" for sql, tables in scans.items())
