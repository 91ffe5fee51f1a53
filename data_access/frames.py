"""Reading query results into DataFrames fast: plain tuples, and times converted in one
vectorised step."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Select, func, type_coerce
from sqlalchemy.types import NullType

from data_access.sql import storage_time


def raw_time(column):
    """A time column read as the driver gives it (text in SQLite), for `frame_of` to
    convert all at once: converting row by row is most of the cost of reading long series."""
    return type_coerce(column, NullType()).label(column.key)


def frame_of(conn: Connection, query: Select, times: tuple[str, ...] = ()) -> pd.DataFrame:
    """The query's rows, with the `times` columns as UTC timestamps."""
    result = conn.execute(query)
    columns = list(result.keys())
    # plain tuples: pandas probes Row objects for attributes, which costs more than the query
    frame = pd.DataFrame.from_records([tuple(row) for row in result], columns=columns)
    for name in times:
        frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
    return frame


def driver_frame(conn: Connection, query: Select) -> pd.DataFrame:
    """The query's rows as the driver gives them, without SQLAlchemy's work per row: for
    reads of hundreds of thousands of rows of numbers and text (no type is converted:
    SQLite gives booleans as 0 and 1, times as text)."""
    columns, rows = driver_result(conn, query)
    return pd.DataFrame.from_records(rows, columns=columns)


def driver_result(conn: Connection, query: Select) -> tuple[list[str], list[tuple]]:
    """driver_frame's column names and rows as the driver's tuples (for rows of numbers
    converted into one array at once)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    dialect = conn.dialect.name
    params = {  # times as the column stores them (no driver's own adapter guessing)
        name: storage_time(value, dialect) if isinstance(value, datetime) else value
        for name, value in compiled.params.items()
    }
    if compiled.positiontup:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return [column[0] for column in cursor.description], cursor.fetchall()
    finally:
        cursor.close()


def whole_number_rows(conn: Connection, query: Select) -> tuple[list[str], np.ndarray]:
    """The names and rows of a query whose columns are all whole numbers (ids, minutes),
    as one float array (rows × columns; NULL: NaN). On SQLite the database packs the rows
    into one text that numpy parses: a month of topic links read as Python tuples cost
    twice what the database spent finding them. (Whole numbers only: SQLite writes a
    REAL as text with 15 digits, not the stored double.)"""
    names = [column.key for column in query.selected_columns]
    if conn.dialect.name == "sqlite":
        packed = _packed_rows(conn, query)
        if packed is not None:
            return names, packed.reshape(-1, len(names))
    _, rows = driver_result(conn, query)
    return names, np.array(rows, dtype=float).reshape(-1, len(names))


NULL_NUMBER = -(2**63)  # a NULL in the packed text: no id or minute is this number


def _packed_rows(conn: Connection, query: Select) -> np.ndarray | None:
    """The rows as one flat array, or None when the text would pass SQLite's length limit
    (a read of tens of millions of rows: the caller reads them the usual way)."""
    inner = query.subquery()
    fields = [func.ifnull(column, NULL_NUMBER) for column in inner.c]
    joined = fields[0]
    for field in fields[1:]:
        joined = joined.op("||")(",").op("||")(field)
    try:
        _, rows = driver_result(conn, Select(func.group_concat(joined, ",")))
    except conn.dialect.dbapi.DataError:  # "string or blob too big"
        return None
    text = rows[0][0]
    return _parsed(text) if text else np.zeros(0)


def _parsed(text: str) -> np.ndarray:
    """The packed numbers as floats, NULL_NUMBER as NaN. Parsed as whole numbers first:
    numpy reads those about ten times faster than the same text as floats (a month of
    topic links: 6 ms against 70); a REAL among them (not whole numbers after all) is
    read as floats."""
    try:
        numbers = np.fromstring(text, sep=",", dtype=np.int64)
    except ValueError:
        numbers = np.fromstring(text, sep=",", dtype=float)
    values = numbers.astype(float)
    values[numbers == NULL_NUMBER] = np.nan
    return values
