"""The rows the alert rules read: exactly the messages of the minutes asked, whatever
time zone the database server runs in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from dashboard.communities import simulate
from data_access.alert_data import message_rows, minute_of
from data_access.db import make_engine
from data_access.schema import Community, Message
from data_access.setup import init_database
from ingest.simulate import CommunitySpec
from tests.conftest import fresh_postgres_database

END = datetime(2026, 3, 2, tzinfo=UTC)
HOUR = END - timedelta(hours=5)


def test_a_postgresql_server_in_another_time_zone_reads_the_same_minutes(request):
    """A server set to Asia/Shanghai (UTC+8): a time given to the driver with its zone
    was compared with the stored UTC times after conversion to the server's zone, so
    the rules read the messages of eight hours before the minutes asked. (The engine's
    sessions are in UTC now, and the alert reads give the driver times as stored.)"""
    url = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    admin = make_engine(url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            text(f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET timezone TO 'Asia/Shanghai'")
        )
    admin.dispose()
    engine = make_engine(url)
    init_database(engine)
    simulate(engine, "demo", END - timedelta(days=1), END, CommunitySpec(messages_per_hour=40))
    with engine.connect() as conn:
        assert conn.scalar(text("SHOW timezone")) == "UTC"  # the engine's sessions
        community_id = conn.scalar(select(Community.id))
        in_hour = select(func.count(Message.id)).where(
            Message.sent_at >= HOUR, Message.sent_at < HOUR + timedelta(hours=1)
        )
        expected = conn.scalar(in_hour)
        rows = message_rows(conn, community_id, minute_of(HOUR), minute_of(HOUR) + 60)
    assert expected > 0
    assert len(rows) == expected
    assert rows["minute"].min() >= minute_of(HOUR)
    assert rows["minute"].max() < minute_of(HOUR) + 60
    engine.dispose()
