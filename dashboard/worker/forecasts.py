"""Job: refit, in every community, the forecasts of the series with new data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from dashboard.worker.communities import for_each_community
from forecasting.refresh import TIME_LIMIT_SECONDS, refresh

log = logging.getLogger(__name__)


def refresh_forecasts(
    engine: Engine,
    now: datetime,
    on_progress: Callable[[int, int], None] | None = None,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> None:
    """Refit, in every community, the series with new data since their last forecast."""

    def refit(community: str) -> None:
        summary = refresh(engine, community, now, on_progress=on_progress, time_limit=time_limit)
        if summary.made or summary.failed:
            log.info(
                "forecasts of %s: %d made, %d unchanged, %d failed %s",
                community,
                len(summary.made),
                len(summary.skipped),
                len(summary.failed),
                summary.failed or "",
            )

    for_each_community(engine, "forecasts", refit)
