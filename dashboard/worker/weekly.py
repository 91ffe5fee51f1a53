"""Jobs: count the member and response figures of complete weeks ahead of the Weekly page,
and each person's weeks (lifecycle, engagement, level) ahead of the Members page."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine

from dashboard.member_lifecycle import refresh_member_weeks
from dashboard.report.figures import refresh_stored_figures
from dashboard.worker.communities import for_each_community
from data_access.communities import community_id_of

log = logging.getLogger(__name__)


def store_weekly_figures(engine: Engine, timezone: str, now: datetime) -> None:
    """Count the member and response figures of complete weeks ahead of the Weekly page."""

    def count(community: str) -> None:
        counted = refresh_stored_figures(engine, community_id_of(engine, community), timezone, now)
        if counted:
            log.info("weekly figures of %s: %d week(s) counted", community, counted)

    for_each_community(engine, "weekly figures", count)


def store_member_weeks(engine: Engine, timezone: str, now: datetime) -> None:
    """Keep every community's member weeks (lifecycle states, engagement, levels)."""

    def count(community: str) -> None:
        counted = refresh_member_weeks(engine, community_id_of(engine, community), timezone, now)
        if counted:
            log.info("member weeks of %s: %d week(s) counted", community, counted)

    for_each_community(engine, "member weeks", count)
