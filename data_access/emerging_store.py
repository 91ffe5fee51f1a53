"""Snapshots of what was emerging in a community (analysis.emerging), written by the
worker and read by the "emerging term" alert metric. A snapshot is one row per emerging
term, or one row without a term when the worker looked and nothing was emerging."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, delete, insert, select

from analysis.emerging import EmergingTerm
from data_access.alert_data import EPOCH, moment_of
from data_access.frames import frame_of, raw_time
from data_access.schema import EmergingTermSnapshot as Snapshot

KEEP_DAYS = 90  # older snapshots are removed when a new one is written
_NOTHING = {"term": None, "z": 0.0, "ratio": 1.0, "recent": 0, "expected": 0.0, "authors": 0}


def record(
    conn: Connection, community_id: int, at: datetime, terms: Sequence[EmergingTerm]
) -> None:
    """Store what was emerging at `at` (nothing: a row without a term), and forget the
    community's snapshots older than KEEP_DAYS."""
    fields = [
        {"term": t.term, "z": t.z, "ratio": t.ratio, "recent": t.recent,
         "expected": t.expected, "authors": t.authors}
        for t in terms
    ] or [_NOTHING]  # fmt: skip
    conn.execute(insert(Snapshot), [{"community_id": community_id, "at": at, **f} for f in fields])
    old = at - timedelta(days=KEEP_DAYS)
    conn.execute(delete(Snapshot).where(Snapshot.community_id == community_id, Snapshot.at < old))


def snapshot_rows(conn: Connection, community_id: int, first: int, end: int) -> pd.DataFrame:
    """minute, term (None: nothing emerging), z, recent of the snapshots taken in
    [first, end) (minutes since the epoch), oldest first, the strongest term first."""
    query = (
        select(raw_time(Snapshot.at), Snapshot.term, Snapshot.z, Snapshot.recent)
        .where(
            Snapshot.community_id == community_id,
            Snapshot.at >= moment_of(first),
            Snapshot.at < moment_of(end),
        )
        .order_by(Snapshot.at, Snapshot.z.desc())
    )
    frame = frame_of(conn, query, times=("at",))
    minutes = (frame["at"] - pd.Timestamp(EPOCH)) // pd.Timedelta(minutes=1)
    return pd.DataFrame(
        {
            "minute": minutes.to_numpy(dtype="int64"),
            "term": frame["term"].to_numpy(dtype=object),
            "z": frame["z"].to_numpy(dtype=float),
            "recent": frame["recent"].to_numpy(dtype="int64"),
        }
    )
