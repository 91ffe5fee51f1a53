"""Small SQL helpers shared by the write and read paths."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Column, Connection, Integer, MetaData, Table, text

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


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
