"""The audit log: every change, with who made it, when, and the values before and after."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, insert, select

from data_access.schema import AuditEntry


def record(
    conn: Connection, at: datetime, actor: str, action: str, target: str, old=None, new=None
) -> None:
    """Write one entry in the caller's transaction, so a change and its entry land together."""
    values = {
        "at": at,
        "actor": actor,
        "action": action,
        "target": target,
        "old_value": old,
        "new_value": new,
    }
    conn.execute(insert(AuditEntry).values(**values))


def entries(
    conn: Connection,
    start: datetime,
    end: datetime,
    actor: str | None = None,
    action: str | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Entries in [start, end), newest first, optionally for one actor or action."""
    query = select(AuditEntry.__table__).where(AuditEntry.at >= start, AuditEntry.at < end)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    result = conn.execute(query.order_by(AuditEntry.at.desc()).limit(limit))
    return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))
