"""Databases for the page tests: a simulated archive, and a small live community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.communities import prepare_community, simulate
from data_access.db import make_engine
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage
from ingest.simulate import CommunitySpec, default_incidents

ARCHIVE_END = datetime(2026, 3, 1, tzinfo=UTC)
ARCHIVE_DAYS = 21


def build_archive(url: str) -> None:
    """Three weeks of the simulated community, ending 2026-03-01 00:00 UTC."""
    engine = make_engine(url)
    spec = CommunitySpec(seed=3, incidents=default_incidents(ARCHIVE_END))
    simulate(engine, "demo", ARCHIVE_END - timedelta(days=ARCHIVE_DAYS), ARCHIVE_END, spec)
    engine.dispose()


def build_live(url: str, now: datetime) -> None:
    """A steady 60 messages an hour in the current hour of the week for 8 weeks, and a
    burst now: 12 messages 3 minutes ago and 18 spread over the half hour before."""
    engine = make_engine(url)
    prepare_community(engine, "live")
    hour = now.replace(minute=0, second=0, microsecond=0)
    rows = []
    for week in range(1, 9):
        start = hour - timedelta(weeks=week)
        rows += [_message(f"w{week}-{n}", start + timedelta(minutes=n), n % 7) for n in range(60)]
    rows += [_message(f"burst-{n}", now - timedelta(minutes=3, seconds=n), n) for n in range(12)]
    rows += [_message(f"calm-{n}", now - timedelta(minutes=20 + n), n) for n in range(18)]
    run_import(engine, rows, ImportTarget("live", "chat", "discord"))
    engine.dispose()


def _message(external_id: str, sent_at: datetime, author: int) -> ParsedRow:
    text = "the app is broken again" if external_id.startswith("burst") else "hello there"
    return ParsedRow(
        0, RawMessage(external_id, sent_at, "general", f"u{author}", f"User{author}", text)
    )
