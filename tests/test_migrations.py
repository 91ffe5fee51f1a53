"""The migrations build exactly the schema the models describe, and keep data on upgrade."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from data_access.db import make_engine
from data_access.migrate import upgrade
from data_access.schema import Base
from data_access.setup import init_database
from tests.conftest import fresh_postgres_database


def test_migrated_schema_equals_the_models(any_engine):
    with any_engine.connect() as conn:
        context = MigrationContext.configure(conn)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrading_again_keeps_existing_data(any_engine):
    with any_engine.begin() as conn:
        conn.execute(text("INSERT INTO communities (name) VALUES ('kept')"))
    init_database(any_engine)
    with any_engine.connect() as conn:
        assert conn.scalar(text("SELECT name FROM communities")) == "kept"
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0011"


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
    init_database(any_engine)
    with any_engine.connect() as conn:
        row = conn.execute(text("SELECT display_name, is_staff, person_id FROM members")).one()
        assert (row.display_name, bool(row.is_staff), row.person_id) == ("M", False, None)
        assert conn.scalar(text("SELECT exclude_staff FROM communities")) in (False, 0)
