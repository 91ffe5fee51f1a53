"""Page reads whose cost follows the range shown, not the history: read their plans."""

from __future__ import annotations

from sqlalchemy import text

from data_access.db import make_engine
from data_access.queries import data_extent
from data_access.setup import init_database


def _plan(conn, sql: str, **values) -> str:
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"), values).all()
        return "\n".join(row[-1] for row in rows)
    rows = conn.execute(text(f"EXPLAIN {sql}"), values).all()
    return "\n".join(row[0] for row in rows)


def test_the_data_extent_reads_one_row_each_way_down_the_index(database_url):
    engine = make_engine(database_url)
    init_database(engine)
    with engine.connect() as conn:
        assert data_extent(conn, 1) is None
        for direction in ("", " DESC"):
            plan = _plan(
                conn,
                "SELECT hour FROM channel_hourly WHERE community_id = :c"
                f" ORDER BY hour{direction} LIMIT 1",
                c=1,
            )
            assert "ix_channel_hourly_community_hour" in plan, plan
            assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # no sort: in order
    engine.dispose()
