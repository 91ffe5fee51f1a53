"""Small SQL helpers shared by the write and read paths."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from sqlalchemy import (
    ARRAY,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    Table,
    any_,
    bindparam,
    text,
)
from sqlalchemy.ext.compiler import compiles

from data_access.schema import UTCDateTime

T = TypeVar("T")

_scratch = MetaData()
ROLLUP_KEYS = Table(
    "rollup_keys",
    _scratch,
    Column("channel_id", Integer),
    Column("hour", UTCDateTime),
    prefixes=["TEMPORARY"],
)


def rollup_keys_table(conn: Connection) -> Table:
    """The connection's temporary table of (channel_id, hour) keys to recompute."""
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE IF NOT EXISTS rollup_keys (channel_id INTEGER, hour TIMESTAMP)"
        )
    )
    return ROLLUP_KEYS


def among(column, values: Sequence) -> ColumnElement[bool]:
    """`column IN values`, sent to PostgreSQL as one array parameter (far cheaper to
    parse than one parameter per value) and to SQLite as a plain IN list."""
    return _DialectIn(column, list(values))


class _DialectIn(ColumnElement):
    inherit_cache = False
    type = Boolean()

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


def insert_skipping_duplicates(conn: Connection, table: Table, unique_columns: list[str]):
    """INSERT ... ON CONFLICT (unique_columns) DO NOTHING, in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=unique_columns)


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
