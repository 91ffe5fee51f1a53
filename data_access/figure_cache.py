"""Stored weekly member and response figures (see schema.WeeklyFigures)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from data_access.schema import WeeklyFigures


def load(conn: Connection, community_id: int, timezone: str, weeks: list[str]) -> dict[str, dict]:
    """week name -> {messages, messages_before, figures, computed_at}."""
    rows = conn.execute(
        select(
            WeeklyFigures.week,
            WeeklyFigures.messages,
            WeeklyFigures.messages_before,
            WeeklyFigures.figures,
            WeeklyFigures.computed_at,
        ).where(
            WeeklyFigures.community_id == community_id,
            WeeklyFigures.timezone == timezone,
            WeeklyFigures.week.in_(weeks),
        )
    ).all()
    return {r.week: r._asdict() for r in rows}


def store(
    conn: Connection, community_id: int, timezone: str, rows: list[dict], now: datetime
) -> None:
    """Replace the figures of the weeks in `rows` (week, messages, messages_before, figures)."""
    if not rows:
        return
    conn.execute(
        delete(WeeklyFigures).where(
            WeeklyFigures.community_id == community_id,
            WeeklyFigures.timezone == timezone,
            WeeklyFigures.week.in_([r["week"] for r in rows]),
        )
    )
    conn.execute(
        insert(WeeklyFigures),
        [
            {**r, "community_id": community_id, "timezone": timezone, "computed_at": now}
            for r in rows
        ],
    )
