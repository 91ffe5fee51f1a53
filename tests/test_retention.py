"""Retention: old raw messages go (whole months on PostgreSQL), what they counted stays."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from access.permissions import SERVER_SHELL
from alerts.backtest import default_period
from analysis.topics import TopicRule
from dashboard.changes.topics import save_topic
from dashboard.cli.main import main
from dashboard.communities import prepare_community
from dashboard.worker.storage import StoragePolicy, maintain_storage
from data_access.db import make_engine
from data_access.partitions import stored_months
from data_access.retention import RetentionError, apply_retention, kept_since
from data_access.schema import Topic
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage

NOW = datetime(2026, 7, 15, 12, tzinfo=UTC)
MONTHS = (1, 2, 3, 5, 7)  # of 2026; with 4 months kept on July 15, January and February go
TARGET = ImportTarget("main", "chat", "chat")


def _rows() -> list[ParsedRow]:
    """Three messages on the 10th of each month, 09:00-11:00; the second one says 'wrong'."""
    rows = []
    for month in MONTHS:
        for n in range(3):
            body = "the invoice is wrong" if n == 1 else f"invoice number {n}"
            sent_at = datetime(2026, month, 10, 9 + n, 30, tzinfo=UTC)
            message = RawMessage(f"m{month}-{n}", sent_at, "room", f"user{n}", f"User {n}", body)
            rows.append(ParsedRow(len(rows) + 2, message))
    return rows


def _imported(engine) -> int:
    community_id = prepare_community(engine, "main")
    run_import(engine, _rows(), TARGET)
    return community_id


def _rollups(engine) -> dict[str, list[tuple]]:
    """Every rollup row, in a comparable form: (hour as text, messages, authors...)."""
    tables = {
        "channel_hourly": "hour, messages, active_authors, new_authors, sentiment_count",
        "topic_hourly": "hour, topic_id, messages, active_authors, sentiment_count",
        "topic_totals": "hour, topic_id, messages, sentiment_count",
    }
    with engine.connect() as conn:
        return {
            table: [
                (str(row[0])[:16], *row[1:])
                for row in conn.execute(text(f"SELECT {columns} FROM {table} ORDER BY 1, 2"))
            ]
            for table, columns in tables.items()
        }


def _raw(engine) -> tuple[list[str], int]:
    with engine.connect() as conn:
        ids = conn.scalars(text("SELECT external_id FROM messages ORDER BY sent_at")).all()
        links = conn.scalar(text("SELECT count(*) FROM message_topics"))
    return ids, links


def test_kept_since_is_the_start_of_a_month_in_utc():
    assert kept_since(NOW, 4) == datetime(2026, 3, 1, tzinfo=UTC)
    assert kept_since(datetime(2026, 1, 31, 23, 59, tzinfo=UTC), 13) == datetime(
        2024, 12, 1, tzinfo=UTC
    )


def test_old_months_go_and_every_rollup_stays(engine):
    _imported(engine)
    before = _rollups(engine)
    assert len(before["channel_hourly"]) == 15

    result = apply_retention(engine, 4, NOW)

    assert result.kept_since == datetime(2026, 3, 1, tzinfo=UTC)
    assert result.removed == 6
    ids, links = _raw(engine)
    assert ids == [f"m{month}-{n}" for month in (3, 5, 7) for n in range(3)]
    assert links == 9  # each kept message is in billing; the removed ones' links went too
    assert _rollups(engine) == before
    with engine.connect() as conn:
        months = stored_months(conn)
    if engine.dialect.name == "postgresql":  # whole partitions dropped
        assert result.months == (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
        assert months == [datetime(2026, 3, 1), datetime(2026, 5, 1), datetime(2026, 7, 1)]
    else:
        assert (result.months, months) == ((), [])
    assert apply_retention(engine, 4, NOW).removed == 0  # nothing older is left
    # a longer retention set later does not bring the boundary back
    assert apply_retention(engine, 5, NOW).kept_since == datetime(2026, 3, 1, tzinfo=UTC)


def test_importing_the_whole_export_again_does_not_count_removed_months_twice(engine):
    _imported(engine)
    before = _rollups(engine)
    apply_retention(engine, 4, NOW)

    summary = run_import(engine, _rows(), TARGET)

    assert (summary.imported, summary.duplicates, summary.past_retention) == (0, 9, 6)
    assert _rollups(engine) == before
    assert len(_raw(engine)[0]) == 9


def test_a_retag_rebuilds_only_the_months_still_kept(engine):
    community_id = _imported(engine)
    apply_retention(engine, 4, NOW)
    with engine.connect() as conn:
        billing = conn.scalar(select(Topic.id).where(Topic.name == "billing"))
    before = _rollups(engine)["topic_totals"]
    assert [(hour[:7], n) for hour, topic, n, _ in before if topic == billing] == [
        (f"2026-{month:02d}", 1) for month in MONTHS for _ in range(3)
    ]

    rule = TopicRule("billing", keywords=("invoice",), exclusions=("wrong",))
    result = save_topic(engine, community_id, rule, billing, actor=SERVER_SHELL, now=NOW)

    assert (result.scanned, result.matched) == (9, 6)
    after = [
        (hour, n) for hour, topic, n, _ in _rollups(engine)["topic_totals"] if topic == billing
    ]
    # January and February keep their three hours each (their messages are gone); the kept
    # months lose the 10:30 message that says "wrong"
    assert after == [
        (f"2026-{month:02d}-10 {hour:02d}:00", 1)
        for month in MONTHS
        for hour in ((9, 10, 11) if month < 3 else (9, 11))
    ]


def test_postgresql_can_keep_removed_months_as_archive_tables(postgres_url):
    engine = make_engine(postgres_url)
    _imported(engine)

    result = apply_retention(engine, 4, NOW, archive=True)

    assert result.removed == 6
    with engine.connect() as conn:
        archived = {
            month: (
                conn.scalar(text(f"SELECT count(*) FROM archived_messages_2026_{month:02d}")),
                conn.scalar(text(f"SELECT count(*) FROM archived_message_topics_2026_{month:02d}")),
            )
            for month in (1, 2)
        }
        assert conn.scalar(text("SELECT count(*) FROM messages")) == 9
    assert archived == {1: (3, 3), 2: (3, 3)}
    engine.dispose()


def test_partitions_are_made_for_each_month_written(postgres_url):
    engine = make_engine(postgres_url)
    _imported(engine)
    with engine.connect() as conn:
        assert stored_months(conn) == [datetime(2026, month, 1) for month in MONTHS]
    # the worker makes the current and the next month's ahead of their messages
    maintain_storage(engine, StoragePolicy(), datetime(2026, 12, 20, tzinfo=UTC))
    with engine.connect() as conn:
        assert stored_months(conn)[-2:] == [datetime(2026, 12, 1), datetime(2027, 1, 1)]
    engine.dispose()


def test_the_worker_applies_the_retention_setting(engine):
    _imported(engine)
    maintain_storage(engine, StoragePolicy(retention_months=4), NOW)
    assert _raw(engine)[0][0] == "m3-0"
    maintain_storage(engine, StoragePolicy(retention_months=0), NOW)  # off: nothing happens


def test_retention_shorter_than_four_months_is_refused(engine):
    with pytest.raises(RetentionError, match="at least 4 months"):
        apply_retention(engine, 3, NOW)


def test_the_command_removes_old_messages_and_a_later_import_skips_them(
    database_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    today = datetime.now(UTC)
    export = tmp_path / "export.csv"
    export.write_text(
        "when,who,what\n"
        f"{today - timedelta(days=200):%Y-%m-%dT%H:%M:%SZ},ann,an old one\n"
        f"{today - timedelta(days=2):%Y-%m-%dT%H:%M:%SZ},bob,a new one\n"
    )
    load = ["import", str(export), "--map", "timestamp=when", "--map", "author=who"]
    assert main([*load, "--map", "text=what"]) == 0
    assert main(["retention"]) == 0  # the setting's default, 0: keep everything
    assert "retention is off" in capsys.readouterr().out

    assert main(["retention", "--months", "4"]) == 0

    assert ": 1 removed" in capsys.readouterr().out
    assert main([*load, "--map", "text=what"]) == 0
    out = capsys.readouterr().out
    assert "imported: 0\nskipped as duplicates: 1\n" in out
    assert "skipped as older than the raw messages kept (retention): 1" in out
    assert main(["retention", "--months", "2"]) == 2
    assert "at least 4 months" in capsys.readouterr().err


def test_sqlite_deletes_a_chunk_per_transaction_and_reports_progress(sqlite_engine, monkeypatch):
    monkeypatch.setattr("data_access.retention.SQLITE_CHUNK", 4)
    _imported(sqlite_engine)
    progress: list[int] = []

    result = apply_retention(sqlite_engine, 4, NOW, on_progress=progress.append)

    assert result.removed == 6
    assert progress == [4, 6]  # a chunk of 4, then the last 2


def test_a_backtest_period_starts_where_the_kept_messages_do(engine):
    community_id = _imported(engine)
    assert default_period(engine, community_id, 365) == (
        datetime(2026, 1, 10, 9, tzinfo=UTC),  # the first hour with data
        datetime(2026, 7, 10, 12, tzinfo=UTC),  # the hour after the last
    )
    apply_retention(engine, 4, NOW)
    assert default_period(engine, community_id, 365)[0] == datetime(2026, 3, 1, tzinfo=UTC)
    assert default_period(engine, community_id, 30)[0] == datetime(2026, 6, 10, 12, tzinfo=UTC)
    apply_retention(engine, 4, datetime(2027, 1, 5, tzinfo=UTC))  # every message is gone
    assert default_period(engine, community_id, 365) is None


FEBRUARY_2027 = datetime(2027, 2, 4, tzinfo=UTC)  # the clock of the writers below


def deadlocks(engine) -> int:
    """The deadlocks PostgreSQL has counted in this database (its statistics reach the
    view within about a second of the transactions that had them)."""
    time.sleep(1.5)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        return conn.scalar(
            text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        )


def test_two_writers_bringing_the_same_new_month_make_it_once(postgres_url):
    """Each makes the month before its writing transaction begins: no deadlock to retry
    (made inside it, the new partition's foreign keys wait on the tables the other
    writer holds)."""
    engine = make_engine(postgres_url)
    prepare_community(engine, "main")
    before = deadlocks(engine)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def write(source: str) -> None:
        rows = [
            ParsedRow(
                2 + n,
                RawMessage(
                    f"{source}-{n}",
                    datetime(2027, 2, 3, 9, n, tzinfo=UTC),
                    "room",
                    f"user{n}",
                    "User",
                    "hello",
                ),
            )
            for n in range(20)
        ]
        start.wait()
        try:
            run_import(engine, rows, ImportTarget("main", source, "chat"), now=FEBRUARY_2027)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with engine.connect() as conn:
        assert stored_months(conn) == [datetime(2027, 2, 1)]
        assert conn.scalar(text("SELECT count(*) FROM messages_2027_02")) == 40
    assert deadlocks(engine) == before
    engine.dispose()
