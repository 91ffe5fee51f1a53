"""in_transaction: a write that meets another writer's lock starts again, whether the
conflict comes through SQLAlchemy or straight from the driver's own cursor (the hot
write paths use it)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from data_access.db import LOCK_RETRIES, in_transaction, make_engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'ecg.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (body TEXT)"))
    return engine


def flaky_write(failures: list[Exception]):
    """A write that raises each of `failures` in turn, then writes a note; its attempts."""
    attempts = []

    def work(conn):
        attempts.append(1)
        conn.execute(text("INSERT INTO notes VALUES ('tried')"))
        if len(attempts) <= len(failures):
            raise failures[len(attempts) - 1]
        return len(attempts)

    return work, attempts


@pytest.mark.parametrize(
    "conflict",
    [
        sqlite3.OperationalError("database is locked"),  # from the driver's cursor
        OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked")),
    ],
    ids=["driver", "sqlalchemy"],
)
def test_a_write_meeting_a_lock_starts_again_and_keeps_only_its_last_attempt(engine, conflict):
    work, attempts = flaky_write([conflict, conflict])
    assert in_transaction(engine, work) == 3
    with engine.connect() as conn:  # the two failed attempts were rolled back
        assert conn.scalar(text("SELECT count(*) FROM notes")) == 1


def test_a_lock_that_never_frees_is_raised_after_the_last_attempt(engine):
    locked = sqlite3.OperationalError("database is locked")
    work, attempts = flaky_write([locked] * LOCK_RETRIES)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        in_transaction(engine, work)
    assert len(attempts) == LOCK_RETRIES


def test_an_error_that_is_not_a_conflict_is_raised_at_once(engine):
    work, attempts = flaky_write([sqlite3.OperationalError("no such table: nowhere")])
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        in_transaction(engine, work)
    assert len(attempts) == 1
