"""Page reads whose cost follows the range shown, not the history: read their plans."""

from __future__ import annotations

from sqlalchemy import text

from data_access.db import make_engine
from data_access.partitions import ensure_months
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


def _plan_of(conn, query) -> str:
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positiontup:
        params = tuple(params[name] for name in compiled.positiontup)
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
        return "\n".join(row[-1] for row in rows)
    rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", params).all()
    return "\n".join(row[0] for row in rows)


def test_the_most_negative_messages_of_a_range_are_found_through_the_range(database_url):
    from datetime import UTC, datetime

    from data_access.queries import most_negative_query

    engine = make_engine(database_url)
    init_database(engine)
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC)
    with engine.begin() as conn:
        ensure_months(conn, [start])  # PostgreSQL: the month's partition, to be read
    with engine.connect() as conn:
        plan = _plan_of(conn, most_negative_query(1, start, end, None, 25))
        dialect = conn.dialect.name
    if dialect == "sqlite":  # the range's negative messages only, from their own index
        assert "INDEX ix_messages_negative (community_id=? AND sent_at>? AND" in plan, plan
        assert "ix_messages_community_sentiment" not in plan, plan
    else:  # only the range's month is read, and sorted: no walk in score order
        assert "Sort Key: ((messages.sentiment + " in plan, plan
        assert "messages_2026_03" in plan, plan
    engine.dispose()


def test_a_members_messages_are_read_down_their_own_index(database_url):
    """A profile reads one person's messages: by member and time, not the community's."""
    from datetime import UTC, datetime

    from data_access.person_reads import person_activity_query

    engine = make_engine(database_url)
    init_database(engine)
    since = datetime(2026, 3, 1, tzinfo=UTC)
    with engine.begin() as conn:
        ensure_months(conn, [since])
    with engine.connect() as conn:
        plan = _plan_of(conn, person_activity_query(7, since, 50))
        dialect = conn.dialect.name
    if dialect == "sqlite":  # in the index's order: no sort, it stops at the limit
        assert "ix_messages_member_sent" in plan and "TEMP B-TREE" not in plan, plan
    else:  # each month's partition through its (member_id, sent_at) index
        assert "member_id_sent_at_idx" in plan, plan
    engine.dispose()


def test_the_members_pages_lists_read_the_chosen_week_and_newcomers_their_own_messages(
    database_url,
):
    """The Members page's lists read one stored week down (community, zone, week), never
    every stored row down the person index; a newcomer's questions are read down their
    own messages' index, not the week's."""
    from datetime import UTC, datetime

    from data_access.member_weeks import people_to_reach_query
    from data_access.person_reads import questions_asked_query

    engine = make_engine(database_url)
    init_database(engine)
    start, end = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)
    with engine.begin() as conn:
        ensure_months(conn, [start])
    with engine.connect() as conn:
        dialect = conn.dialect.name
        for which in ("at risk", "rising", "new") if dialect == "sqlite" else ():
            # (PostgreSQL plans an empty table by guesswork; its statistics decide there)
            plan = _plan_of(conn, people_to_reach_query(1, "UTC", "2026-W10", which))
            assert "ix_member_weeks_community_week" in plan, (which, plan)
            assert "ix_member_weeks_person" not in plan, (which, plan)
        plan = _plan_of(conn, questions_asked_query([7, 9], start, end))
    if dialect == "sqlite":
        assert "ix_messages_member_sent" in plan, plan
    else:
        assert "member_id_sent_at_idx" in plan, plan
    engine.dispose()


def test_the_alert_rules_read_a_month_from_indexes_alone(database_url):
    """A backtest reads a month of messages (minute, channel, author, score) and a topic's
    share its links per minute, a topic's spike its messages' topics: from an index that
    holds every column read, never from the table's rows (text and all)."""
    from datetime import UTC, datetime

    from data_access.alert_data import (
        minute_of,
        rows_query,
        topic_minutes_query,
        topic_rows_query,
    )

    engine = make_engine(database_url)
    init_database(engine)
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)
    with engine.begin() as conn:
        ensure_months(conn, [start])
    columns = ("channel_id", "member_id", "sentiment")
    with engine.connect() as conn:
        messages = _plan_of(conn, rows_query(1, minute_of(start), minute_of(end), columns))
        links = _plan_of(conn, topic_minutes_query(1, minute_of(start), minute_of(end)))
        joined = _plan_of(
            conn, topic_rows_query(conn, 1, minute_of(start), minute_of(end), columns[:2])
        )
        dialect = conn.dialect.name
    if dialect == "sqlite":
        assert "USING COVERING INDEX ix_messages_community_sent" in messages, messages
        assert "USING COVERING INDEX ix_message_topics_topic" in links, links
        assert "messages USING COVERING INDEX ix_messages_community_sent" in joined, joined
        assert "message_topics USING COVERING INDEX sqlite_autoindex" in joined, joined
    else:  # only the range's month is read
        assert "messages_2026_03" in messages and "messages_2026_02" not in messages, messages
        assert "message_topics_2026_03" in links, links
        assert "message_topics_2026_03" in joined, joined
        assert "message_topics_2026_02" not in joined, joined
    engine.dispose()
