"""Job: keep the demo community live by appending the simulated messages of each passing
minute (at most MAX_CATCH_UP after a long pause)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from dashboard.communities import DEMO_COMMUNITY, DEMO_SPEC, simulate
from data_access.schema import Community, Message

log = logging.getLogger(__name__)
MAX_CATCH_UP = timedelta(days=2)  # after a long pause, do not backfill more than this


def newest_message_time(engine: Engine, community: str) -> datetime | None:
    query = (
        select(func.max(Message.sent_at))
        .join(Community, Community.id == Message.community_id)
        .where(Community.name == community)
    )
    with engine.connect() as conn:
        newest = conn.scalar(query)
    if isinstance(newest, str):  # SQLite returns max() of a datetime column as text
        newest = datetime.fromisoformat(newest)
    return None if newest is None else newest.replace(tzinfo=UTC)


def append_demo_messages(engine: Engine, now: datetime) -> int:
    """Write the demo community's simulated messages since its newest one; 0 without a demo."""
    newest = newest_message_time(engine, DEMO_COMMUNITY)
    if newest is None:
        return 0
    start = max(newest + timedelta(microseconds=1), now - MAX_CATCH_UP)
    if start >= now:
        return 0
    return simulate(engine, DEMO_COMMUNITY, start, now, DEMO_SPEC).imported


def demo_tick(engine: Engine, now: datetime) -> None:
    added = append_demo_messages(engine, now)
    if added:
        log.info("demo: %d new message(s)", added)
