"""Long ranges summed by the database into the viewer's local buckets, on both databases.

Four messages around the US change to summer time (Sunday 2026-03-08 in Los Angeles):

    UTC               Los Angeles        channel
    03-08 07:30       Sat 03-07 23:30    room0
    03-08 08:30       Sun 03-08 00:30    room1
    03-09 06:30       Sun 03-08 23:30    room0   (midnight is now 07:00 UTC)
    03-09 07:30       Mon 03-09 00:30    room0
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analysis.series import bucket_edges, sentiment_series, topic_heat
from dashboard.communities import prepare_community
from data_access import queries
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage

LA = "America/Los_Angeles"
SENT = [
    (datetime(2026, 3, 8, 7, 30, tzinfo=UTC), "room0", "the invoice is great"),
    (datetime(2026, 3, 8, 8, 30, tzinfo=UTC), "room1", "the invoice is terrible"),
    (datetime(2026, 3, 9, 6, 30, tzinfo=UTC), "room0", "an invoice"),
    (datetime(2026, 3, 9, 7, 30, tzinfo=UTC), "room0", "invoice again, great"),
]


def test_edges_follow_local_midnights_across_the_dst_change():
    edges = bucket_edges(
        datetime(2026, 3, 7, 8, tzinfo=UTC), datetime(2026, 3, 10, 7, tzinfo=UTC), "day", LA
    )
    assert [e.strftime("%d %H") for e in edges] == ["07 08", "08 08", "09 07", "10 07"]


def test_edges_of_a_half_hour_zone_fall_on_the_first_whole_hour_of_the_local_day():
    # Kolkata is UTC+5:30: Monday 00:00 is Sunday 18:30 UTC; the rollup hour 18:00 UTC
    # (23:30 local) still belongs to Sunday, so the week's first hour is 19:00 UTC
    edges = bucket_edges(
        datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC), "week", "Asia/Kolkata"
    )
    assert [e.strftime("%m-%d %H:%M") for e in edges] == [
        "03-01 00:00",
        "03-01 19:00",
        "03-08 19:00",
        "03-10 00:00",
    ]


@pytest.fixture
def community(engine):
    community_id = prepare_community(engine, "main")
    rows = [
        ParsedRow(n + 2, RawMessage(f"m{n}", sent_at, channel, f"user{n}", f"User {n}", body))
        for n, (sent_at, channel, body) in enumerate(SENT)
    ]
    run_import(engine, rows, ImportTarget("main", "chat", "chat"))
    with engine.connect() as conn:
        channels = queries.channels(conn, community_id)
    return engine, community_id, dict(zip(channels["name"], channels["id"], strict=True))


def test_channel_sums_per_local_day(community):
    engine, community_id, channel_ids = community
    edges = bucket_edges(
        datetime(2026, 3, 7, 8, tzinfo=UTC), datetime(2026, 3, 10, 7, tzinfo=UTC), "day", LA
    )
    with engine.connect() as conn:
        sums = queries.channel_sums(conn, community_id, edges, None)
    names = {v: k for k, v in channel_ids.items()}
    series = sentiment_series(sums, names, "day", LA)
    rows = {
        (bucket.strftime("%m-%d"), channel): (messages, negative, positive)
        for bucket, channel, messages, negative, positive in series[
            ["bucket", "channel", "messages", "negative_count", "positive_count"]
        ].itertuples(index=False)
    }
    assert rows == {
        ("03-07", "All channels"): (1, 0, 1),
        ("03-07", "room0"): (1, 0, 1),
        ("03-08", "All channels"): (2, 1, 0),
        ("03-08", "room0"): (1, 0, 0),
        ("03-08", "room1"): (1, 1, 0),
        ("03-09", "All channels"): (1, 0, 1),
        ("03-09", "room0"): (1, 0, 1),
    }


def test_topic_sums_over_every_channel_and_over_chosen_ones(community):
    engine, community_id, channel_ids = community
    edges = bucket_edges(
        datetime(2026, 3, 2, 8, tzinfo=UTC), datetime(2026, 3, 16, 7, tzinfo=UTC), "week", LA
    )
    with engine.connect() as conn:
        topics = queries.topics(conn, community_id)
        everywhere = queries.topic_sums(conn, community_id, edges, None)
        room0 = queries.topic_sums(conn, community_id, edges, [channel_ids["room0"]])
    names = dict(zip(topics["id"], topics["name"], strict=True))

    def weeks(sums):
        heat = topic_heat(sums, names, "week", LA)
        billing = heat[heat["topic"] == "billing"]
        return [
            (b.strftime("%m-%d %Z"), m)
            for b, m in billing[["bucket", "messages"]].itertuples(index=False)
        ]

    assert weeks(everywhere) == [("03-02 PST", 3), ("03-09 PDT", 1)]
    assert weeks(room0) == [("03-02 PST", 2), ("03-09 PDT", 1)]


def test_one_bucket_is_the_whole_range(community):
    engine, community_id, _ = community
    whole = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    with engine.connect() as conn:
        sums = queries.channel_sums(conn, community_id, whole, None)
        empty = queries.channel_sums(
            conn,
            community_id,
            (datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)),
            None,
        )
    assert int(sums["messages"].sum()) == 4
    assert set(sums["hour"]) == {whole[0]}
    assert empty.empty
