"""The tables the Live page reads (messages per minute, each member's newest message per
channel), kept by imports, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from dashboard.communities import prepare_community
from data_access import queries, recent
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage

MINUTE = datetime.now(UTC).replace(second=0, microsecond=0)
M10, M3, M1 = (MINUTE - timedelta(minutes=n) for n in (10, 3, 1))


def _row(external_id: str, sent_at: datetime, channel: str, author: str) -> ParsedRow:
    return ParsedRow(0, RawMessage(external_id, sent_at, channel, author, author, "hello"))


@pytest.fixture
def live(engine):
    community_id = prepare_community(engine, "main")
    rows = [
        _row("a1", M10 + timedelta(seconds=5), "general", "u1"),
        _row("a2", M10 + timedelta(seconds=20), "general", "u1"),
        _row("b", M3 + timedelta(seconds=30), "random", "u2"),
        _row("c", MINUTE - timedelta(minutes=200), "general", "u2"),  # older than kept
        _row("bot", M1 + timedelta(seconds=1), "general", "bot1"),
    ]
    run_import(engine, rows, ImportTarget("main", "chat", "chat"), bots=frozenset({"bot1"}))
    with engine.connect() as conn:
        channels = queries.channels(conn, community_id)
    return engine, community_id, dict(zip(channels["name"], channels["id"], strict=True))


def _per_minute(engine, community_id, channel_ids=None) -> dict[datetime, int]:
    with engine.connect() as conn:
        counts = queries.messages_per_minute(
            conn,
            community_id,
            MINUTE - timedelta(hours=1),
            MINUTE + timedelta(minutes=1),
            channel_ids,
        )
    return {minute.to_pydatetime(): n for minute, n in counts.items()}


def _active(engine, community_id, since, channel_ids=None) -> int:
    with engine.connect() as conn:
        return queries.members_active_since(conn, community_id, since, channel_ids)


def test_messages_per_minute_of_the_last_hour(live):
    engine, community_id, channels = live
    assert _per_minute(engine, community_id) == {M10: 2, M3: 1, M1: 1}
    assert _per_minute(engine, community_id, [channels["general"]]) == {M10: 2, M1: 1}


def test_active_members_count_people_not_bots(live):
    engine, community_id, channels = live
    assert _active(engine, community_id, M10) == 2  # u1 and u2; the bot never
    assert _active(engine, community_id, M3) == 1  # u2 only
    # u2's message in general is 200 minutes old: older than the hours kept, not counted
    assert _active(engine, community_id, M10, [channels["general"]]) == 1
    # an older message arriving later does not make u1's newest message older
    run_import(
        engine,
        [_row("old", M10 - timedelta(minutes=5), "general", "u1")],
        ImportTarget("main", "chat", "chat"),
    )
    assert _active(engine, community_id, M10, [channels["general"]]) == 1
    # one person with two accounts counts once
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE members SET person_id = (SELECT id FROM members WHERE external_id = 'u1')"
                " WHERE external_id IN ('u1', 'u2')"
            )
        )
    assert _active(engine, community_id, M10) == 1


def test_minutes_older_than_the_kept_hours_are_forgotten(live):
    engine, community_id, channels = live
    later = MINUTE + timedelta(hours=recent.KEPT_HOURS, minutes=5)
    with engine.begin() as conn:
        member_id = conn.scalar(text("SELECT id FROM members WHERE external_id = 'u2'"))
        recent.record(conn, community_id, [(channels["random"], member_id, later)], later)
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT messages FROM recent_minutes")).scalars().all()
    assert kept == [1]  # every minute of the first import was more than the kept hours ago
    with engine.connect() as conn:
        members = conn.execute(text("SELECT member_id FROM recent_members")).scalars().all()
    assert members == [member_id]
    assert _active(engine, community_id, later - timedelta(minutes=15)) == 1
