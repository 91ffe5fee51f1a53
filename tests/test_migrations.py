"""The migrations build exactly the schema the models describe, and keep data on upgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from data_access.db import make_engine
from data_access.migrate import upgrade
from data_access.partitions import stored_months
from data_access.schema import Base
from data_access.setup import init_database
from tests.conftest import fresh_postgres_database

# PostgreSQL's partitioned tables need the partition key (sent_at) in their keys
# (data_access.partitions); the models describe the SQLite shape.
PARTITIONED_KEYS = {
    ("remove_fk", "message_topics", ("message_id", "sent_at")),
    ("add_fk", "message_topics", ("message_id",)),
    ("remove_constraint", "messages", ("source_id", "external_id", "sent_at")),
    ("add_constraint", "messages", ("source_id", "external_id")),
}


def _summary(difference) -> tuple:
    kind, item = difference[0], difference[1]
    return (kind, item.table.name, tuple(column.name for column in item.columns))


def test_migrated_schema_equals_the_models(any_engine):
    with any_engine.connect() as conn:
        context = MigrationContext.configure(conn)
        differences = compare_metadata(context, Base.metadata)
    if any_engine.dialect.name == "postgresql":
        assert {_summary(d) for d in differences} == PARTITIONED_KEYS
        assert len(differences) == len(PARTITIONED_KEYS)
    else:
        assert differences == []


def test_upgrading_again_keeps_existing_data(any_engine):
    with any_engine.begin() as conn:
        conn.execute(text("INSERT INTO communities (name) VALUES ('kept')"))
    init_database(any_engine)
    with any_engine.connect() as conn:
        assert conn.scalar(text("SELECT name FROM communities")) == "kept"
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0033"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrading_a_database_with_data_from_an_earlier_version(request, tmp_path, kind):
    """The migrations after 0003 run on a database that already holds rows pointing at the
    tables they change (SQLite's copy-and-swap of a referenced table breaks there)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    any_engine = make_engine(url)
    upgrade(any_engine, "0003")
    with any_engine.begin() as conn:
        conn.execute(text("INSERT INTO communities (id, name) VALUES (1, 'kept')"))
        conn.execute(
            text("INSERT INTO sources (id, community_id, name, platform) VALUES (1, 1, 's', 'x')")
        )
        conn.execute(
            text("INSERT INTO channels (id, community_id, source_id, name) VALUES (1, 1, 1, 'c')")
        )
        conn.execute(
            text(
                "INSERT INTO members (id, community_id, source_id, external_id, display_name,"
                " is_bot, first_seen_hour) VALUES (1, 1, 1, 'm', 'M', false, :hour)"
            ),
            {"hour": datetime(2026, 3, 1, 9)},
        )
        recent_minute = datetime.now(UTC).replace(second=0, microsecond=0, tzinfo=None)
        for n, sent_at in enumerate([datetime(2026, 3, 1, 9, 10), recent_minute]):
            conn.execute(
                text(
                    "INSERT INTO messages (id, community_id, source_id, channel_id, member_id,"
                    " external_id, sent_at, hour, text, language, sentiment)"
                    " VALUES (:id, 1, 1, 1, 1, :ext, :sent_at, :hour, :text, 'en', 0.0)"
                ),
                {
                    "text": ("How do I install it?", "hi")[n],
                    "id": n + 1,
                    "ext": f"x{n}",
                    "sent_at": sent_at,
                    "hour": sent_at.replace(minute=0),
                },
            )
        conn.execute(
            text(
                "INSERT INTO topics (id, community_id, name, keywords, phrases, patterns,"
                " exclusions, colour) VALUES (1, 1, 't', '[]', '[]', '[]', '[]', '#000000')"
            )
        )
        conn.execute(text("INSERT INTO message_topics (message_id, topic_id) VALUES (1, 1)"))
        if kind == "postgresql":  # as copy_db leaves it after copying ids 1 and 2
            conn.execute(text("SELECT setval('messages_id_seq', 2)"))
        for count in (2, 3):  # two hours of the topic, with 2 and 3 messages
            conn.execute(
                text(
                    "INSERT INTO topic_hourly (community_id, topic_id, channel_id, hour, messages,"
                    " active_authors, new_authors, sentiment_sum, sentiment_count,"
                    " negative_count, positive_count, unscored_count)"
                    " VALUES (1, 1, 1, :hour, :n, 1, 0, 0.5, :n, 0, 1, 0)"
                ),
                {"hour": datetime(2026, 3, 1, count), "n": count},
            )
        conn.execute(
            text(
                "INSERT INTO channel_hourly (community_id, channel_id, hour, messages,"
                " active_authors, new_authors, sentiment_sum, sentiment_count,"
                " negative_count, positive_count, unscored_count)"
                " VALUES (1, 1, :hour, 1, 1, 1, 0.0, 1, 0, 0, 0)"
            ),
            {"hour": datetime(2026, 3, 1, 9)},
        )
    init_database(any_engine)
    with any_engine.connect() as conn:
        row = conn.execute(text("SELECT display_name, is_staff, person_id FROM members")).one()
        assert (row.display_name, bool(row.is_staff), row.person_id) == ("M", False, None)
        assert conn.scalar(text("SELECT exclude_staff FROM communities")) in (False, 0)
        # tables added later are filled from what is there
        last_seen = conn.execute(
            text("SELECT channel_id, member_id, last_seen_at FROM recent_members")
        ).one()
        assert (last_seen[0], last_seen[1], str(last_seen[2])[:16]) == (
            1,
            1,
            f"{recent_minute:%Y-%m-%d %H:%M}",
        )
        minutes = conn.execute(text("SELECT minute, messages FROM recent_minutes")).all()
        assert [(str(m)[:16], n) for m, n in minutes] == [(f"{recent_minute:%Y-%m-%d %H:%M}", 1)]
        totals = conn.execute(
            text("SELECT messages, sentiment_count FROM topic_totals ORDER BY hour")
        ).all()
        assert [tuple(t) for t in totals] == [(2, 2), (3, 3)]
        # the stored messages are read for their kind, and the rollups count them
        kinds = conn.execute(text("SELECT kind FROM messages ORDER BY id")).scalars().all()
        assert kinds == ["question", "other"]
        counted = conn.execute(
            text("SELECT question_count, bug_report_count FROM channel_hourly")
        ).one()
        assert tuple(counted) == (1, 0)
        # topic links carry their message's time (PostgreSQL partitions them by it)
        link = conn.execute(text("SELECT message_id, topic_id, sent_at FROM message_topics")).one()
        assert (link[0], link[1], str(link[2])[:16]) == (1, 1, "2026-03-01 09:10")
        assert stored_months(conn) == (
            [datetime(2026, 3, 1), recent_minute.replace(day=1, hour=0, minute=0)]
            if kind == "postgresql"
            else []
        )
    with any_engine.begin() as conn:  # ids go on from the stored ones (sequence kept)
        new_id = conn.scalar(
            text(
                "INSERT INTO messages (community_id, source_id, channel_id, member_id,"
                " external_id, sent_at, hour, text, language, sentiment)"
                " VALUES (1, 1, 1, 1, 'x3', :at, :at, 'hi', 'en', 0.0) RETURNING id"
            ),
            {"at": datetime(2026, 3, 2)},
        )
    assert new_id == 3
