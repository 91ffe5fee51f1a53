"""The notification job: plan what each contact point should hear about, then deliver it,
retrying failures with back-off. Idempotent (the outbox remembers), so a restarted worker
neither repeats nor loses a notice; a failing contact never stops the worker."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from alerts.notify import (
    MAX_ATTEMPTS,
    AlertNotice,
    ContactPoint,
    DeliveryError,
    NotificationSettings,
    deliver,
    retry_delay,
)
from data_access import alert_store, outbox

log = logging.getLogger(__name__)
EVENT_HORIZON = timedelta(hours=1)  # older events are history, not news: never sent late


@dataclass
class DeliverySummary:
    planned: int = 0
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)


def notify(
    engine: Engine,
    settings: NotificationSettings,
    now: datetime,
    send: Callable[[ContactPoint, list[AlertNotice], NotificationSettings], None] = deliver,
) -> DeliverySummary:
    summary = DeliverySummary()
    if not settings.contacts:
        return summary
    with engine.begin() as conn:
        summary.planned = plan(conn, settings, now)
    send_due(engine, settings, now, send, summary)
    return summary


def plan(conn, settings: NotificationSettings, now: datetime) -> int:
    """Put in the outbox the firing, repeat and resolved notices that are due by `now`."""
    episodes = outbox.recent_episodes(conn, now - EVENT_HORIZON)
    if episodes.empty:
        return 0
    known = outbox.sent_or_planned(conn, [int(i) for i in episodes["id"]])
    rows = []
    for episode in episodes.itertuples():
        for contact in settings.contacts:
            if contact.wants(episode.severity):
                mine = known[
                    (known["episode_id"] == episode.id) & (known["contact"] == contact.name)
                ]
                rows += _notices_due(conn, episode, contact.name, mine, settings, now)
    outbox.enqueue(conn, rows)
    return len(rows)


def _notices_due(conn, episode, contact: str, mine: pd.DataFrame, settings, now) -> list[dict]:
    def row(kind: str, at: datetime) -> dict:
        return {
            "episode_id": int(episode.id),
            "kind": kind,
            "contact": contact,
            "due_at": at,
            "next_attempt_at": at,
            "attempts": 0,
        }

    def quiet(at: datetime) -> bool:
        return alert_store.silenced(
            conn, int(episode.community_id), int(episode.rule_id), episode.scope_key, at
        )

    kinds = set(mine["kind"])
    if "firing" not in kinds:
        fresh = episode.started_at >= now - EVENT_HORIZON
        return [row("firing", episode.started_at)] if fresh and not episode.silenced else []
    if pd.notna(episode.ended_at):
        if "resolved" in kinds or quiet(episode.ended_at):
            return []
        return [row("resolved", episode.ended_at)]
    last = max(pd.Timestamp(t).to_pydatetime() for t in mine["due_at"])
    repeat_at = last + timedelta(minutes=settings.repeat_minutes)
    if repeat_at <= now and pd.isna(episode.acknowledged_by) and not quiet(now):
        return [row("repeat", repeat_at)]
    return []


def send_due(engine, settings: NotificationSettings, now: datetime, send, summary) -> None:
    with engine.connect() as conn:
        pending = outbox.due(conn, now)
        if pending.empty:
            return
        notices = _notices(conn, pending)
    contacts = {c.name: c for c in settings.contacts}
    for name, batch in pending.groupby("contact"):
        contact = contacts.get(name)
        if contact is None:
            continue  # a contact point removed from the settings
        first_due = min(pd.Timestamp(t) for t in batch["due_at"])
        if first_due > pd.Timestamp(now) - timedelta(seconds=settings.group_wait_seconds):
            continue  # wait for the alerts that fire with it
        ids = [int(i) for i in batch["id"]]
        try:
            send(contact, [notices[i] for i in ids], settings)
        except (DeliveryError, OSError, ValueError) as error:
            _failed(engine, contact, batch, ids, str(error), settings, now, summary)
            continue
        with engine.begin() as conn:
            outbox.mark_sent(conn, ids, now)
        summary.sent += len(ids)


def _failed(engine, contact, batch, ids, error, settings, now, summary) -> None:
    attempts = int(batch["attempts"].max()) + 1
    gave_up = now if attempts >= MAX_ATTEMPTS else None
    with engine.begin() as conn:
        outbox.mark_failed(
            conn, ids, error, now + retry_delay(attempts, settings.retry_seconds), gave_up
        )
    summary.errors.append(f"{contact.name}: {error}")
    if gave_up:
        summary.gave_up += len(ids)
        log.error(
            "gave up notifying %s after %d attempts (%d alert(s)): %s",
            contact.name,
            attempts,
            len(ids),
            error,
        )
    else:
        summary.failed += len(ids)
        log.warning(
            "notifying %s failed (attempt %d), will retry: %s", contact.name, attempts, error
        )


def _notices(conn, pending: pd.DataFrame) -> dict[int, AlertNotice]:
    episodes = outbox.episodes_by_id(conn, sorted({int(i) for i in pending["episode_id"]}))
    by_id = {int(e.id): e for e in episodes.itertuples()}
    notices = {}
    for item in pending.itertuples():
        episode = by_id[int(item.episode_id)]
        ended = episode.ended_at if item.kind == "resolved" else None
        notices[int(item.id)] = AlertNotice(
            kind=item.kind,
            community=episode.community,
            rule=episode.rule_name,
            severity=episode.severity,
            scope=episode.scope_label,
            started_at=episode.started_at,
            ended_at=ended,
            peak=float(episode.peak_value),
            runbook=(episode.definition or {}).get("runbook", ""),
        )
    return notices
