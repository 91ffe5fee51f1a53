"""Job: set each shipped, unpinned alert rule's threshold from its community's history
to the false-alarm budget (see alerts.calibrate), once a day."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine

from alerts.backtest import default_period
from alerts.calibrate import CALIBRATION_DAYS, calibratable, calibrate_rule
from alerts.catalog import CALIBRATION, rules_of, save_rule
from dashboard.communities import prepare_community
from dashboard.worker.communities import for_each_community

log = logging.getLogger(__name__)
MIN_HISTORY_DAYS = 7  # less history than this: the shipped thresholds stay


def calibrate_thresholds(engine: Engine, per_week: float, now: datetime) -> None:
    """Calibrate every community's rules on its last CALIBRATION_DAYS of data."""
    for_each_community(
        engine, "calibration", lambda community: _calibrate(engine, community, per_week, now)
    )


def _calibrate(engine: Engine, community: str, per_week: float, now: datetime) -> None:
    community_id = prepare_community(engine, community)
    period = default_period(engine, community_id, CALIBRATION_DAYS)
    if period is None or (period[1] - period[0]).days < MIN_HISTORY_DAYS:
        return
    with engine.connect() as conn:
        rules = [r for r in rules_of(conn, community_id) if calibratable(r)]
    for rule in rules:
        found = calibrate_rule(engine, community_id, rule, *period, per_week)
        if found.rule.threshold == rule.threshold:
            continue
        save_rule(engine, community_id, found.rule, actor=CALIBRATION, now=now)
        log.info(
            "calibrated %r of %s: threshold %g -> %g (%s episodes in %d days)",
            rule.name,
            community,
            rule.threshold,
            found.rule.threshold,
            found.episodes.get(found.rule.threshold),
            round(found.days),
        )
