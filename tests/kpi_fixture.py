"""A tiny community around the end of US daylight saving time (2026-11-01), with KPIs for
ISO weeks 2026-W44 and W45 worked out by hand in tests/test_kpis.py."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from dashboard.communities import prepare_community
from data_access.schema import Community
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage

# id, time (UTC), author, text, reply to
MESSAGES = [
    ("a1", datetime(2026, 10, 28, 12, 0), "alice", "Does the export work?", None),
    ("b1", datetime(2026, 10, 28, 12, 30), "bob", "Yes, it works great.", "a1"),
    ("c1", datetime(2026, 11, 1, 20, 0), "carol", "Anyone around?", None),
    ("a2", datetime(2026, 11, 2, 7, 30), "alice", "Hi carol, I am here.", "c1"),
    ("d1", datetime(2026, 11, 3, 10, 0), "dave", "Hello everyone, happy to join!", None),
    ("b2", datetime(2026, 11, 3, 10, 5), "bob", "Welcome dave, glad you came.", "d1"),
    ("d2", datetime(2026, 11, 3, 10, 20), "dave", "Thanks a lot.", "d1"),
    ("x1", datetime(2026, 11, 4, 0, 0), "statusbot", "Release 1.2 is out.", None),
    ("c2", datetime(2026, 11, 8, 20, 0), "carol", "Why is the sync broken again? Awful.", None),
]


def build_kpi_community(engine) -> int:
    prepare_community(engine, "acme")
    rows = [
        ParsedRow(
            n,
            RawMessage(
                external_id,
                sent_at.replace(tzinfo=UTC),
                "general",
                author,
                author.capitalize(),
                text,
                reply_to,
                author == "statusbot",
            ),
        )
        for n, (external_id, sent_at, author, text, reply_to) in enumerate(MESSAGES, start=1)
    ]
    run_import(engine, rows, ImportTarget("acme", "chat", "discord"))
    with engine.connect() as conn:
        return conn.scalar(select(Community.id).where(Community.name == "acme"))
