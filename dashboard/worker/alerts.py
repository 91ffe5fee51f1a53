"""Jobs: evaluate every community's alert rules, and send the notifications due."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine

from alerts.cycle import evaluate_community
from alerts.delivery import notify
from alerts.notify import NotificationSettings
from dashboard.communities import prepare_community
from dashboard.worker.communities import for_each_community

log = logging.getLogger(__name__)


def evaluate_alerts(engine: Engine, now: datetime) -> None:
    """Evaluate every community's alert rules for the minutes up to `now`."""

    def evaluate(community: str) -> None:
        community_id = prepare_community(engine, community)
        summary = evaluate_community(engine, community_id, now)
        if summary.opened or summary.resolved:
            log.info(
                "alerts of %s: %d opened, %d resolved",
                community,
                len(summary.opened),
                len(summary.resolved),
            )

    for_each_community(engine, "alerts", evaluate)


def send_notifications(engine: Engine, settings: NotificationSettings, now: datetime) -> None:
    summary = notify(engine, settings, now)
    if summary.sent:
        log.info("notifications: %d sent", summary.sent)
