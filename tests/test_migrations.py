"""The migrations build exactly the schema the models describe, and keep data on upgrade."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from data_access.schema import Base
from data_access.setup import init_database


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
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0009"
