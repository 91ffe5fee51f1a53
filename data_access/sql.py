"""Small SQL helpers shared by the write and read paths."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    ColumnElement,
    Connection,
    any_,
    bindparam,
    text,
)
from sqlalchemy.ext.compiler import compiles

T = TypeVar("T")


def create_rollup_keys(conn: Connection) -> None:
    """The connection's temporary table of (channel_id, hour) keys to recompute."""
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE IF NOT EXISTS rollup_keys (channel_id INTEGER, hour TIMESTAMP)"
        )
    )


def among(column, values: Sequence) -> ColumnElement[bool]:
    """`column IN values`, sent to PostgreSQL as one array parameter (far cheaper to
    parse than one parameter per value) and to SQLite as a plain IN list."""
    return _DialectIn(column, list(values))


class _DialectIn(ColumnElement):
    inherit_cache = False
    type = Boolean()
    # a comparison, not a boolean column: without this SQLite got "... IN (...) = 1",
    # which its planner cannot serve from the (source_id, external_id) index, so every
    # batch of an import scanned all of the source's ids (imports slowed as they grew)
    _is_implicitly_boolean = True

    def __init__(self, column, values: list) -> None:
        self.column = column
        self.values = values


@compiles(_DialectIn)
def _compile_in(element: _DialectIn, compiler, **kw) -> str:
    return compiler.process(element.column.in_(element.values), **kw)


@compiles(_DialectIn, "postgresql")
def _compile_any(element: _DialectIn, compiler, **kw) -> str:
    array = bindparam(None, element.values, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(array), **kw)


class epoch_minutes(ColumnElement):  # noqa: N801 (reads as the SQL function it is)
    """Whole minutes since the Unix epoch of a stored UTC time, rounded down, computed by
    the database: a read of many rows gets numbers, not text to parse in Python."""

    inherit_cache = True
    type = BigInteger()

    def __init__(self, column) -> None:
        self.column = column


@compiles(epoch_minutes, "sqlite")
def _compile_minutes_sqlite(element: epoch_minutes, compiler, **kw) -> str:
    # whole seconds (the fraction dropped: rounded down after 1970); unixepoch (SQLite
    # 3.38) costs a third of strftime('%s'), which a read of many rows feels
    column = compiler.process(element.column, **kw)
    if getattr(compiler.dialect.dbapi, "sqlite_version_info", (0,)) >= (3, 38):
        return f"(unixepoch({column}) / 60)"
    return f"(CAST(strftime('%s', {column}) AS INTEGER) / 60)"


@compiles(epoch_minutes, "postgresql")
def _compile_minutes_postgresql(element: epoch_minutes, compiler, **kw) -> str:
    column = compiler.process(element.column, **kw)  # timestamp without time zone: UTC
    return f"CAST(floor(EXTRACT(EPOCH FROM {column}) / 60) AS BIGINT)"


ROWS_PER_STATEMENT = 500  # keeps a statement under SQLite's 32,766 parameters


def storage_time(moment: datetime, dialect: str) -> datetime | str:
    """An aware datetime as `UTCDateTime` stores it: naive UTC (text in SQLite)."""
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    if dialect == "sqlite":  # SQLAlchemy's own SQLite format, "YYYY-MM-DD HH:MM:SS.ffffff"
        return moment.isoformat(sep=" ", timespec="microseconds")[:26]
    return moment.replace(tzinfo=None)


def insert_new_rows(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple],
    unique: Sequence[str],
    returning: Sequence[str],
) -> list[tuple]:
    """INSERT rows (values already in storage form), skipping those that clash on `unique`;
    return the `returning` columns of the rows inserted.

    Written as multi-row VALUES through the driver: for the hot path of imports, where
    SQLAlchemy's per-row parameter processing costs more than SQLite's own work.
    """
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    one_row = f"({', '.join([mark] * len(columns))})"
    inserted: list[tuple] = []
    for chunk in chunked(rows, ROWS_PER_STATEMENT):
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            f"{', '.join([one_row] * len(chunk))} "
            f"ON CONFLICT ({', '.join(unique)}) DO NOTHING RETURNING {', '.join(returning)}"
        )
        params = [value for row in chunk for value in row]
        cursor = conn.connection.cursor()  # the driver's, in the connection's transaction
        cursor.execute(sql, params)
        inserted.extend(cursor.fetchall())
        cursor.close()
    return inserted


def insert_rows(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: list[tuple],
    on_conflict: str = "",
) -> None:
    """A plain executemany through the driver, for rows written by the thousand;
    `on_conflict` ("ON CONFLICT ... DO ...") is appended as given."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))}) {on_conflict}"
    )
    cursor = conn.connection.cursor()
    cursor.executemany(sql, rows)
    cursor.close()


VALUES_PER_LOOKUP = 10_000  # one IN list of SQLite (at most 32,766 parameters)


def values_present(
    conn: Connection, table: str, column: str, values: Sequence, where: tuple[str, object]
) -> set:
    """Which of `values` `column` holds among the rows of `table` where where[0] = where[1]
    (read through an index on the pair), asked through the driver: SQLAlchemy's compiling
    of a long IN list cost more than SQLite's reading it."""
    found: set = set()
    wanted, key = where
    postgresql = conn.dialect.paramstyle != "qmark"
    cursor = conn.connection.cursor()  # the driver's, in the connection's transaction
    for chunk in chunked(values, VALUES_PER_LOOKUP):
        if postgresql:  # one array parameter
            sql = f"SELECT {column} FROM {table} WHERE {wanted} = %s AND {column} = ANY(%s)"
            cursor.execute(sql, (key, list(chunk)))
        else:
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT {column} FROM {table} WHERE {wanted} = ? AND {column} IN ({marks})"
            cursor.execute(sql, (key, *chunk))
        found.update(value for (value,) in cursor.fetchall())
    cursor.close()
    return found


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
