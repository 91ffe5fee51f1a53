"""The notification outbox: what is due to whom, and what became of each delivery."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, and_, insert, or_, select, update

from data_access.schema import AlertEpisode, AlertRule, Community, Notification


def recent_episodes(conn: Connection, since: datetime) -> pd.DataFrame:
    """Episodes still firing, or that started or ended since `since`, with their community's
    name and the rule's definition (for the runbook)."""
    return _episodes(
        conn,
        or_(
            AlertEpisode.ended_at.is_(None),
            AlertEpisode.started_at >= since,
            AlertEpisode.ended_at >= since,
        ),
    )


def episodes_by_id(conn: Connection, ids: list[int]) -> pd.DataFrame:
    return _episodes(conn, AlertEpisode.id.in_(ids))


def _episodes(conn: Connection, condition) -> pd.DataFrame:
    query = (
        select(
            AlertEpisode.__table__,
            Community.name.label("community"),
            AlertRule.definition.label("definition"),
        )
        .join(Community, Community.id == AlertEpisode.community_id)
        .join(AlertRule, AlertRule.id == AlertEpisode.rule_id)
        .where(condition)
    )
    result = conn.execute(query)
    return pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))


def sent_or_planned(conn: Connection, episode_ids: list[int]) -> pd.DataFrame:
    """episode_id, kind, contact, due_at of every notification of these episodes."""
    if not episode_ids:
        return pd.DataFrame(columns=["episode_id", "kind", "contact", "due_at"])
    result = conn.execute(
        select(
            Notification.episode_id, Notification.kind, Notification.contact, Notification.due_at
        ).where(Notification.episode_id.in_(episode_ids))
    )
    return pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))


def enqueue(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(insert(Notification), rows)


def due(conn: Connection, now: datetime) -> pd.DataFrame:
    """Notifications not yet sent nor given up whose next attempt is due."""
    result = conn.execute(
        select(Notification.__table__).where(
            and_(
                Notification.sent_at.is_(None),
                Notification.gave_up_at.is_(None),
                Notification.next_attempt_at <= now,
            )
        )
    )
    return pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))


def mark_sent(conn: Connection, ids: list[int], now: datetime) -> None:
    conn.execute(
        update(Notification)
        .where(Notification.id.in_(ids))
        .values(sent_at=now, attempts=Notification.attempts + 1)
    )


def mark_failed(
    conn: Connection, ids: list[int], error: str, next_attempt: datetime, gave_up: datetime | None
) -> None:
    conn.execute(
        update(Notification)
        .where(Notification.id.in_(ids))
        .values(
            attempts=Notification.attempts + 1,
            last_error=error[:500],
            next_attempt_at=next_attempt,
            gave_up_at=gave_up,
        )
    )


def deliveries(conn: Connection, limit: int = 200) -> pd.DataFrame:
    """The newest notifications, for the Alerts page's delivery log."""
    result = conn.execute(
        select(Notification.__table__).order_by(Notification.id.desc()).limit(limit)
    )
    return pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))
