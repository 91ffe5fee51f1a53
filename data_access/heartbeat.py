"""The worker's heartbeat: one row the worker keeps fresh, read by the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from data_access.schema import WorkerBeat

WORKER = "worker"
STALE_AFTER = timedelta(minutes=5)  # no beat for this long: the worker is not running


@dataclass(frozen=True)
class Heartbeat:
    started_at: datetime
    beat_at: datetime
    pid: int

    def stale(self, now: datetime) -> bool:
        return now - self.beat_at > STALE_AFTER


def beat(engine: Engine, started_at: datetime, now: datetime, pid: int) -> None:
    """Say the worker started at `started_at` (process `pid`) is alive at `now`."""
    values = {"started_at": started_at, "beat_at": now, "pid": pid}
    with engine.begin() as conn:
        updated = conn.execute(update(WorkerBeat).where(WorkerBeat.name == WORKER), values)
        if updated.rowcount == 0:
            conn.execute(insert(WorkerBeat), {"name": WORKER, **values})


def last_beat(conn: Connection) -> Heartbeat | None:
    """The worker's newest beat, or None when no worker has ever run on this database."""
    row = conn.execute(
        select(WorkerBeat.started_at, WorkerBeat.beat_at, WorkerBeat.pid).where(
            WorkerBeat.name == WORKER
        )
    ).first()
    return None if row is None else Heartbeat(row.started_at, row.beat_at, int(row.pid))
