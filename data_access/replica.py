"""Reads from a PostgreSQL streaming replica, writes to the primary.

The replica is used while it can be reached and is no further behind than allowed; when it
cannot (down, or lagging), reads go to the primary and the caller is told why (`Route`). A
reader that has just written waits for nothing: it reads the primary until the replica has
replayed its write (`caught_up_with`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

CHECK_EVERY_SECONDS = 5.0  # how often a reachable replica's lag is measured again
RETRY_DOWN_SECONDS = 30.0  # how long a replica that could not be reached is left alone
CONNECT_TIMEOUT_SECONDS = 2  # a replica that does not answer in this long is "down"
DEFAULT_MAX_LAG_SECONDS = 30.0


class ReplicaSettingError(ValueError):
    """A read URL that cannot serve as a replica of this database."""


def lsn_number(lsn: str) -> int:
    """A PostgreSQL WAL position ('16/B374D848') as a number that orders like it."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass(frozen=True)
class Health:
    """The replica as last measured: reachable, how far behind, and why not usable."""

    reachable: bool
    behind_seconds: float = 0.0
    replayed: int = 0  # the WAL position it has replayed
    problem: str = ""  # the connection error, when it could not be reached


@dataclass(frozen=True)
class Route:
    """Where a read goes: the replica, or the primary and why (`down` or `lagging`)."""

    engine: Engine
    on_replica: bool
    why_primary: str = ""  # "", "own write", "down", "lagging"
    health: Health | None = None


def replica_engine(url: str) -> Engine:
    """An engine on the replica that gives up quickly when it does not answer."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ReplicaSettingError(
            "the read database URL must be a PostgreSQL replica (postgresql://...)"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(
        parsed, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    )


def primary_position(primary: Engine) -> int:
    """The primary's WAL flushed so far: a write committed before this call is at or before
    it, and a replica can replay up to it (not beyond: WAL written but not yet flushed is
    not sent, so comparing with the write position could wait for ever on a quiet primary)."""
    with primary.connect() as conn:
        return lsn_number(conn.scalar(text("SELECT pg_current_wal_flush_lsn()::text")))


def measure(primary: Engine, replica: Engine) -> Health:
    """The replica's lag: none when it has replayed all the primary has written, else the
    age of the last transaction it replayed (an over-estimate after a long idle spell on
    the primary, which sends reads to the primary for one check at most)."""
    try:
        with replica.connect() as conn:
            replayed, age = conn.execute(
                text(
                    "SELECT pg_last_wal_replay_lsn()::text,"
                    " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
                )
            ).one()
    except DBAPIError as error:
        return Health(reachable=False, problem=str(error.orig).strip().splitlines()[0])
    if replayed is None:  # not in recovery: a primary named as the replica
        return Health(reachable=True)
    replayed = lsn_number(replayed)
    behind = 0.0 if replayed >= primary_position(primary) else float(age or 0.0)
    return Health(reachable=True, behind_seconds=behind, replayed=replayed)


class ReadRouter:
    """Chooses, read by read, between the replica and the primary; one per process, shared
    by its sessions. The replica's health is measured at most every CHECK_EVERY_SECONDS
    (RETRY_DOWN_SECONDS while it cannot be reached)."""

    def __init__(
        self,
        primary: Engine,
        replica: Engine,
        max_lag_seconds: float = DEFAULT_MAX_LAG_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary, self.replica = primary, replica
        self.max_lag_seconds = max_lag_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._health: Health | None = None
        self._measured_at = 0.0

    def health(self) -> Health:
        with self._lock:
            now = self._clock()
            wait = CHECK_EVERY_SECONDS
            if self._health is not None and not self._health.reachable:
                wait = RETRY_DOWN_SECONDS
            if self._health is None or now - self._measured_at >= wait:
                self._health = measure(self.primary, self.replica)
                self._measured_at = now
            return self._health

    def route(self, own_write: int | None = None) -> Route:
        """Where to read: the primary while `own_write` (a WAL position this reader wrote
        at) is not yet replayed, or while the replica is down or too far behind."""
        health = self.health()
        if not health.reachable:
            return Route(self.primary, False, "down", health)
        if health.behind_seconds > self.max_lag_seconds:
            return Route(self.primary, False, "lagging", health)
        if own_write is not None and not self.caught_up_with(own_write):
            return Route(self.primary, False, "own write", health)
        return Route(self.replica, True, "", health)

    def caught_up_with(self, position: int) -> bool:
        """Whether the replica has replayed the primary's WAL up to `position` (asked now,
        not from the last measure: a reader's own write is seconds old at most)."""
        try:
            with self.replica.connect() as conn:
                replayed = conn.scalar(text("SELECT pg_last_wal_replay_lsn()::text"))
        except DBAPIError:
            return False
        return replayed is None or lsn_number(replayed) >= position
