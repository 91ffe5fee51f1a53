"""Engines: SQLite (embedded default) or PostgreSQL, chosen by URL alone."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

DEFAULT_DATABASE_URL = "sqlite:///data/ecg.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000
LOCK_RETRIES = 6
T = TypeVar("T")


def make_engine(url: str = DEFAULT_DATABASE_URL) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, a busy timeout and foreign keys,
    PostgreSQL sessions the UTC time zone."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _in_utc(dbapi_connection, _record) -> None:
        # times are stored as UTC without a zone: a time compared with them in the
        # server's own zone (a server set to Asia/Shanghai) would be hours off
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return engine


def in_transaction(engine: Engine, work: Callable[[Connection], T]) -> T:
    """`work(conn)` in one transaction; when another writer holds the database (SQLite's
    lock, a PostgreSQL deadlock), the transaction starts again after a short pause. (The
    hot write paths send some statements through the driver's own cursor: its errors
    come unwrapped by SQLAlchemy, and are retried the same.)"""
    conflicts = (OperationalError, engine.dialect.loaded_dbapi.OperationalError)
    for attempt in range(LOCK_RETRIES):
        try:
            with engine.begin() as conn:
                return work(conn)
        except conflicts as error:
            text = str(getattr(error, "orig", None) or error).lower()
            if attempt == LOCK_RETRIES - 1 or not ("locked" in text or "deadlock" in text):
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine
