"""Reading query results into DataFrames fast: plain tuples, and times converted in one
vectorised step."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Select, type_coerce
from sqlalchemy.types import NullType


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
