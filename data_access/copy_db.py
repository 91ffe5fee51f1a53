"""Copy a whole database to another (SQLite to PostgreSQL, say): every table, every row,
ids kept, in the order foreign keys need; the target must be empty. Then PostgreSQL's id
sequences are moved past the copied ids, so new rows do not collide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, Table, func, insert, select, text

from data_access.partitions import ensure_months, months_from
from data_access.schema import Base, Message
from data_access.setup import init_database

CHUNK = 20_000
Progress = Callable[[str, int, int], None]  # table, rows copied, rows in all


class TargetNotEmpty(ValueError):
    pass


@dataclass(frozen=True)
class CopyResult:
    tables: dict[str, int]  # rows copied per table


def copy_database(
    source: Engine, target: Engine, on_progress: Progress | None = None
) -> CopyResult:
    init_database(source)  # both at the newest schema before a row moves
    init_database(target)
    tables = Base.metadata.sorted_tables  # parents before children
    with target.connect() as conn:
        filled = [t.name for t in tables if conn.scalar(select(func.count()).select_from(t))]
    if filled:
        raise TargetNotEmpty(f"the target database already has rows in {', '.join(filled)}")
    _make_months(source, target)
    copied = {}
    for table in tables:
        copied[table.name] = _copy_table(source, target, table, on_progress)
    if target.dialect.name == "postgresql":
        _move_sequences(target, tables)
    return CopyResult(copied)


def _copy_table(source: Engine, target: Engine, table: Table, on_progress) -> int:
    with source.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(table)) or 0
        result = conn.execution_options(yield_per=CHUNK).execute(
            select(table).order_by(*table.primary_key.columns)
        )
        done = 0
        for rows in result.partitions(CHUNK):
            with target.begin() as out:
                out.execute(insert(table), [row._asdict() for row in rows])
            done += len(rows)
            if on_progress:
                on_progress(table.name, done, total)
    return done


def _make_months(source: Engine, target: Engine) -> None:
    """The target's month partitions for the messages to come (PostgreSQL)."""
    with source.connect() as conn:
        first, last = conn.execute(
            select(func.min(Message.sent_at), func.max(Message.sent_at))
        ).one()
    if first is not None:
        with target.begin() as conn:
            ensure_months(conn, months_from(_as_time(first), _as_time(last)))


def _as_time(value) -> datetime:
    """min()/max() of a datetime column come back from SQLite as text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _move_sequences(target: Engine, tables: list[Table]) -> None:
    with target.begin() as conn:
        for table in tables:
            if "id" in table.columns and table.columns["id"].autoincrement is not False:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
