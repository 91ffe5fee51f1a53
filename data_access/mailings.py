"""Which weekly reports were e-mailed: a claim per community and week, then its outcome."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from data_access.schema import ReportMailing

STALE_CLAIM = timedelta(minutes=10)  # a claim this old without a send: the sender died


def claim(conn: Connection, community_id: int, week: str, now: datetime, max_attempts: int) -> bool:
    """Take the right to send this week's report now; False when it was sent, is being sent,
    or has failed `max_attempts` times."""
    row = conn.execute(
        select(ReportMailing.__table__).where(
            ReportMailing.community_id == community_id, ReportMailing.week == week
        )
    ).first()
    if row is None:
        conn.execute(
            insert(ReportMailing).values(
                community_id=community_id, week=week, claimed_at=now, attempts=1
            )
        )
        return True
    if row.sent_at is not None or row.attempts >= max_attempts:
        return False
    if row.last_error is None and now - row.claimed_at < STALE_CLAIM:
        return False  # another worker is sending it right now
    conn.execute(
        update(ReportMailing)
        .where(ReportMailing.id == row.id)
        .values(claimed_at=now, attempts=row.attempts + 1, last_error=None)
    )
    return True


def mark_sent(conn: Connection, community_id: int, week: str, now: datetime) -> None:
    conn.execute(
        update(ReportMailing)
        .where(ReportMailing.community_id == community_id, ReportMailing.week == week)
        .values(sent_at=now)
    )


def mark_failed(conn: Connection, community_id: int, week: str, error: str) -> None:
    conn.execute(
        update(ReportMailing)
        .where(ReportMailing.community_id == community_id, ReportMailing.week == week)
        .values(last_error=error[:500])
    )
