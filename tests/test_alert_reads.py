"""The rows the alert rules read: exactly the messages of the minutes asked, whatever
time zone the database server runs in, and none when a rule reads topics alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from alerts.data import data_needs, metric_data
from alerts.metrics import score_series
from alerts.rules import DEFAULT_RULES
from alerts.windows import concrete_scopes
from dashboard.communities import simulate
from data_access.alert_data import message_rows, minute_of
from data_access.db import make_engine
from data_access.schema import Community, Message
from data_access.setup import init_database
from ingest.simulate import CommunitySpec
from tests.conftest import engine_of_kind, fresh_postgres_database

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


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
@pytest.mark.parametrize(
    ("name", "read", "links"),
    [
        ("Topic spike", "none", "rows"),
        ("Predicted topic spike", "none", "minutes"),
        ("Topic share surge", "minutes", "minutes"),
    ],
)
def test_a_rule_on_topics_reads_less_of_the_messages_and_scores_the_same(
    request, tmp_path, kind, name, read, links
):
    """Topic spike is scored on the topics' message links (one member's flood is capped:
    their rows) and the rollups, Predicted topic spike on the links' count a minute,
    Topic share surge on that and the count of all messages a minute: their backtests
    skip reading each message's row (most of a month's read), and score exactly as when
    the rows are read for another rule."""
    engine = engine_of_kind(request, kind, tmp_path)
    simulate(engine, "demo", END - timedelta(days=10), END, CommunitySpec(messages_per_hour=40))
    rule = next(r for r in DEFAULT_RULES if r.name == name)
    surge = next(r for r in DEFAULT_RULES if r.name == "Volume surge")
    spike = next(r for r in DEFAULT_RULES if r.name == "Topic spike")
    assert data_needs([rule]).messages == read and data_needs([rule, surge]).messages == "rows"
    assert data_needs([rule]).topic_links == links
    assert data_needs([rule, surge, spike]).topic_links == "rows"
    start, end = minute_of(END - timedelta(days=2)), minute_of(END)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id))
        alone = metric_data(conn, community_id, [rule], start, end)
        beside = metric_data(conn, community_id, [rule, surge, spike], start, end)
    if read == "none":
        assert alone.messages is None
    else:
        assert list(alone.messages.columns) == ["minute"]
        assert len(alone.messages) == len(beside.messages) > 0
    if links == "minutes":
        assert list(alone.topic_links.columns) == ["minute", "topic_id"]
    assert len(alone.topic_links) == len(beside.topic_links) > 0
    scopes = concrete_scopes(rule, alone)
    assert len(scopes) > 1
    for _, scope in scopes:
        read_alone = score_series(rule, scope, alone, start, end)
        read_beside = score_series(rule, scope, beside, start, end)
        pd.testing.assert_frame_equal(read_alone, read_beside)
    engine.dispose()


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("Volume surge", ["minute", "member_id", "is_bot"]),  # one member's flood capped
        ("Negative-sentiment surge", ["minute", "sentiment"]),
        ("Activity drop", ["minute", "channel_id"]),  # without the silent sources
        ("Source silent", ["minute", "channel_id"]),
    ],
)
def test_a_rule_reads_only_the_columns_it_scores_and_scores_the_same(tmp_path, name, columns):
    """Each column of a month of messages costs in a backtest: a rule alone reads only
    those it scores on, and scores exactly as when read beside every other default rule."""
    engine = engine_of_kind(None, "sqlite", tmp_path)
    simulate(engine, "demo", END - timedelta(days=10), END, CommunitySpec(messages_per_hour=40))
    rule = next(r for r in DEFAULT_RULES if r.name == name)
    start, end = minute_of(END - timedelta(days=2)), minute_of(END)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id))
        alone = metric_data(conn, community_id, [rule], start, end)
        beside = metric_data(conn, community_id, list(DEFAULT_RULES), start, end)
    assert list(alone.messages.columns) == columns
    assert len(alone.messages) > 0  # (the others reach further back: more rows)
    for _, scope in concrete_scopes(rule, alone):
        read_alone = score_series(rule, scope, alone, start, end)
        read_beside = score_series(rule, scope, beside, start, end)
        pd.testing.assert_frame_equal(read_alone, read_beside)
    engine.dispose()


def test_every_rule_a_user_can_save_is_scored_around_its_data(tmp_path):
    """Each metric, condition, direction and scope that validation accepts is read and
    scored at the data's edge, hours past its end and before it began: one of them
    failing stops the whole community's cycle (a rule reading no column of the messages,
    an emerging-term rule before the worker's first snapshot, an active-members rule on a
    quiet window each did, with an exception)."""
    import itertools

    from alerts.evaluate import run
    from alerts.rules import (
        CONDITIONS,
        DIRECTIONS,
        METRICS,
        Rule,
        RuleValidationError,
        Scope,
        validated,
    )
    from data_access.schema import Channel, Topic

    engine = engine_of_kind(None, "sqlite", tmp_path)
    simulate(engine, "demo", END - timedelta(days=2), END, CommunitySpec(messages_per_hour=20))
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id))
        channel, topic = conn.scalar(select(Channel.id)), conn.scalar(select(Topic.id))
    scopes = [
        Scope(),
        Scope("channel", channel),
        Scope("topic", topic),
        Scope("each_topic"),
        Scope("platform", "discord"),
        Scope("kind", "question"),
    ]
    ranges = [(END - timedelta(hours=1), END), (END + timedelta(hours=5), END + timedelta(hours=6))]
    ranges.append((END - timedelta(days=9), END - timedelta(days=9) + timedelta(minutes=5)))
    scored = 0
    for metric, condition, direction, scope in itertools.product(
        METRICS, CONDITIONS, DIRECTIONS, scopes
    ):
        try:
            rule = validated(Rule("r", metric, condition, direction, 1.5, scope=scope))
        except RuleValidationError:
            continue
        for first, end in ranges:
            start, stop = minute_of(first), minute_of(end)
            with engine.connect() as conn:
                data = metric_data(conn, community_id, [rule], start, stop)
            for _, concrete in concrete_scopes(rule, data):
                frame = score_series(rule, concrete, data, start, stop)
                assert list(frame["minute"]) == list(range(start, stop)), rule
                run(rule, frame)
                scored += 1
    assert scored > 300  # every metric, with most of its scopes
    engine.dispose()
