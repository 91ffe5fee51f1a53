"""Import of the real Matrix chat log, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from analysis.kinds import KIND_COUNT_COLUMNS
from dashboard.communities import prepare_community
from data_access.schema import ADDITIVE_COLUMNS
from ingest.formats.tabular import ColumnMapping, read_csv
from ingest.pipeline import ImportTarget, run_import
from tests.conftest import SHARED_DATA, engine_of_kind, unavailable

MATRIX = "chat/matrix_array_languages.csv"
MAPPING = ColumnMapping.parse(
    [
        "timestamp=timestamp_utc",
        "author=author_id",
        "channel=channel",
        "text=text",
        "id=message_id",
        "reply_to=reply_to_id",
        "author_name=author_name",
    ]
)
TARGET = ImportTarget("matrix", "matrix-export", "matrix")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def imported(request, tmp_path_factory):
    """The real log imported twice into one database of each kind (once per module)."""
    if not SHARED_DATA.is_dir():
        unavailable(f"the shared data folder {SHARED_DATA} is absent")
    engine = engine_of_kind(request, request.param, tmp_path_factory.mktemp("matrix"))
    path = SHARED_DATA / MATRIX
    prepare_community(engine, "matrix")
    first = run_import(engine, read_csv(path, MAPPING), TARGET, path=str(path))
    second = run_import(engine, read_csv(path, MAPPING), TARGET, path=str(path))
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    yield engine, first, second, expected
    engine.dispose()


def test_counts_per_channel_match_the_csv(imported):
    engine, first, _, csv = imported
    has_text = csv[csv["text"].str.strip() != ""]
    assert first.imported == len(has_text) == 24_078
    assert first.rejected == {"no text": 1}
    with engine.connect() as conn:
        stored = (
            pd.read_sql(
                text(
                    "SELECT c.name AS channel, count(*) AS messages,"
                    " count(DISTINCT m.member_id) AS authors"
                    " FROM messages m JOIN channels c ON c.id = m.channel_id GROUP BY c.name"
                ),
                conn,
            )
            .set_index("channel")
            .sort_index()
        )
    expected = (
        has_text.groupby("channel")
        .agg(messages=("message_id", "size"), authors=("author_id", "nunique"))
        .sort_index()
    )
    assert stored["messages"].to_dict() == expected["messages"].to_dict()
    assert stored["authors"].to_dict() == expected["authors"].to_dict()


def test_second_import_adds_nothing(imported):
    engine, first, second, _ = imported
    assert (second.imported, second.duplicates) == (0, first.imported)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM messages")) == first.imported


def test_every_rollup_row_equals_a_group_by_over_raw_messages(imported):
    engine = imported[0]
    with engine.connect() as conn:
        raw = _raw_messages(conn)
        links = pd.read_sql(text("SELECT message_id, topic_id FROM message_topics"), conn)
        channel_rollup = pd.read_sql(text("SELECT * FROM channel_hourly"), conn)
        topic_rollup = pd.read_sql(text("SELECT * FROM topic_hourly"), conn)
        topic_totals = pd.read_sql(text("SELECT * FROM topic_totals"), conn)
    assert len(links) > 1000  # the default topics match a good part of real chat
    assert raw["kind"].notna().all()
    assert (raw["kind"] == "question").sum() > 1000  # real chat asks a lot
    expected_channels = _recount(raw, ["channel_id", "hour"])
    expected_topics = _recount(
        raw.merge(links, left_on="id", right_on="message_id"), ["topic_id", "channel_id", "hour"]
    )
    _assert_same(channel_rollup, expected_channels, ["channel_id", "hour"])
    _assert_same(topic_rollup, expected_topics, ["topic_id", "channel_id", "hour"])
    # the totals over all channels: the same messages counted per topic and hour
    expected_totals = expected_topics.groupby(["topic_id", "hour"], as_index=False)[
        list(ADDITIVE_COLUMNS)
    ].sum()
    _assert_same(topic_totals.drop(columns="community_id"), expected_totals, ["topic_id", "hour"])


def _raw_messages(conn) -> pd.DataFrame:
    return pd.read_sql(
        text(
            "SELECT m.id, m.channel_id, m.hour, m.member_id, m.sentiment, m.kind, mb.is_bot,"
            " mb.first_seen_hour FROM messages m JOIN members mb ON mb.id = m.member_id"
        ),
        conn,
    )


def _recount(raw: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    raw = raw.assign(
        human=lambda f: f["member_id"].where(~f["is_bot"].astype(bool)),
        new=lambda f: f["member_id"].where(
            ~f["is_bot"].astype(bool) & (f["first_seen_hour"] == f["hour"])
        ),
        negative=lambda f: (f["sentiment"] <= -0.05).astype(int),
        positive=lambda f: (f["sentiment"] >= 0.05).astype(int),
        unscored=lambda f: f["sentiment"].isna().astype(int),
        **{column: raw["kind"].eq(kind).astype(int) for kind, column in KIND_COUNT_COLUMNS.items()},
    )
    return (
        raw.groupby(keys)
        .agg(
            messages=("id", "size"),
            active_authors=("human", "nunique"),
            new_authors=("new", "nunique"),
            sentiment_sum=("sentiment", "sum"),
            sentiment_count=("sentiment", "count"),
            negative_count=("negative", "sum"),
            positive_count=("positive", "sum"),
            unscored_count=("unscored", "sum"),
            **{column: (column, "sum") for column in KIND_COUNT_COLUMNS.values()},
        )
        .reset_index()
    )


def _assert_same(stored: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    stored = stored.sort_values(keys, ignore_index=True)
    expected = expected.sort_values(keys, ignore_index=True)
    assert len(stored) == len(expected)
    for column in expected.columns:
        if column in keys and column == "hour":
            assert (pd.to_datetime(stored[column]) == pd.to_datetime(expected[column])).all()
        elif column == "sentiment_sum":
            assert stored[column].to_numpy() == pytest.approx(expected[column].to_numpy())
        else:
            assert stored[column].astype(int).tolist() == expected[column].astype(int).tolist()


def test_rollups_stay_exact_when_older_messages_arrive_later(engine):
    """Members first seen in a later import move their first hour earlier when an older
    batch arrives: the new-author counts of both hours are recounted."""
    prepare_community(engine, "matrix")
    path = SHARED_DATA / MATRIX
    if not path.exists():
        unavailable(f"{path} is absent")
    rows = [r for r in read_csv(path, MAPPING) if r.message is not None]
    half = len(rows) // 2
    newest_first = sorted(rows, key=lambda r: r.message.sent_at, reverse=True)
    for part in (newest_first[:half], newest_first[half:]):
        run_import(engine, part, TARGET, batch_size=997)
    with engine.connect() as conn:
        raw = _raw_messages(conn)
        channel_rollup = pd.read_sql(text("SELECT * FROM channel_hourly"), conn)
        links = pd.read_sql(text("SELECT message_id, topic_id FROM message_topics"), conn)
        topic_totals = pd.read_sql(text("SELECT * FROM topic_totals"), conn)
    _assert_same(channel_rollup, _recount(raw, ["channel_id", "hour"]), ["channel_id", "hour"])
    tagged = raw.merge(links, left_on="id", right_on="message_id")
    expected_totals = _recount(tagged, ["topic_id", "hour"])[
        ["topic_id", "hour", *ADDITIVE_COLUMNS]
    ]
    _assert_same(topic_totals.drop(columns="community_id"), expected_totals, ["topic_id", "hour"])
