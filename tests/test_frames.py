"""Reading many rows of numbers at once (data_access.frames): the rows SQLite packs into
one text are the rows the driver gives, NULL is NaN, nothing is lost when the text would
be too long, and PostgreSQL reads the same."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from data_access.db import make_engine
from data_access.frames import driver_result, whole_number_rows
from tests.conftest import engine_of_kind

META = MetaData()
POINTS = Table(
    "points",
    META,
    Column("id", Integer, primary_key=True),
    Column("minute", Integer, nullable=False),
    Column("member_id", Integer),
)
ROWS = [
    {"id": 1, "minute": 29_000_000, "member_id": 7},
    {"id": 2, "minute": 29_000_001, "member_id": None},
    {"id": 3, "minute": -5, "member_id": 2_147_483_647},
]
QUERY = select(POINTS.c.minute, (POINTS.c.minute % 60).label("within"), POINTS.c.member_id)


def _engine_with_points(request, kind, folder):
    engine = engine_of_kind(request, kind, folder)
    META.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(POINTS), ROWS)
    return engine


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_whole_numbers_are_read_as_the_driver_gives_them(request, kind, tmp_path):
    engine = _engine_with_points(request, kind, tmp_path)
    with engine.connect() as conn:
        names, values = whole_number_rows(conn, QUERY.order_by(POINTS.c.id))
        _, plain = driver_result(conn, QUERY.order_by(POINTS.c.id))
    assert names == ["minute", "within", "member_id"]
    # -5 % 60 is -5 in SQLite and PostgreSQL alike (the sign of the dividend)
    expected = np.array([[29_000_000, 20, 7], [29_000_001, 21, np.nan], [-5, -5, 2_147_483_647]])
    by_minute = np.argsort(expected[:, 0])  # packed rows come in the database's own order
    np.testing.assert_array_equal(values[np.argsort(values[:, 0])], expected[by_minute])
    np.testing.assert_array_equal(np.array(plain, dtype=float), expected)
    engine.dispose()


def test_no_rows_are_an_empty_array_of_the_columns(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    META.create_all(engine)
    with engine.connect() as conn:
        names, values = whole_number_rows(conn, QUERY)
    assert values.shape == (0, 3)
    assert names == ["minute", "within", "member_id"]
    engine.dispose()


def test_rows_too_long_for_one_text_are_read_row_by_row(tmp_path):
    """SQLite refuses a text longer than its length limit (1e9 bytes by default: a read
    of tens of millions of rows); the rows are then read as tuples, none lost."""
    engine = make_engine(f"sqlite:///{tmp_path / 'long.db'}")
    META.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(POINTS), [{"minute": m, "member_id": m % 7} for m in range(2000)])
    with engine.connect() as conn:
        conn.connection.dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1000)
        names, values = whole_number_rows(conn, select(POINTS.c.minute, POINTS.c.member_id))
    assert values.shape == (2000, 2)
    np.testing.assert_array_equal(np.sort(values[:, 0]), np.arange(2000))
    assert values[:, 1].sum() == sum(m % 7 for m in range(2000))
    engine.dispose()


def test_a_real_among_the_numbers_is_read_as_a_float_and_null_is_still_nan(tmp_path):
    """The packed text is parsed as whole numbers first (ten times faster); a REAL in it
    (-2.5, 14500000.5) sends the whole text through the float parser, NULL still NaN."""
    engine = make_engine(f"sqlite:///{tmp_path / 'real.db'}")
    META.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(POINTS), ROWS)
    halves = select((POINTS.c.minute * 0.5).label("half"), POINTS.c.member_id)
    with engine.connect() as conn:
        names, values = whole_number_rows(conn, halves.order_by(POINTS.c.id))
    assert names == ["half", "member_id"]
    expected = np.array([[14_500_000.0, 7], [14_500_000.5, np.nan], [-2.5, 2_147_483_647]])
    np.testing.assert_array_equal(values[np.argsort(values[:, 0])], expected[[2, 0, 1]])
    engine.dispose()
