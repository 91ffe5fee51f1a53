"""Job, daily: partitions ahead of their messages (PostgreSQL) and the retention setting."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from data_access.partitions import ensure_months, month_of, next_month
from data_access.retention import apply_retention

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoragePolicy:
    retention_months: int = 0  # 0: keep every raw message
    archive: bool = False


def maintain_storage(engine: Engine, policy: StoragePolicy, now: datetime) -> None:
    """Daily: make this month's and the next month's partitions ahead of their messages
    (PostgreSQL), and remove the raw messages the retention setting no longer keeps."""
    with engine.begin() as conn:
        ensure_months(conn, [now, next_month(month_of(now))])
    result = apply_retention(engine, policy.retention_months, now, archive=policy.archive)
    if result and result.removed:
        log.info(
            "retention: %d raw messages before %s removed",
            result.removed,
            f"{result.kept_since:%Y-%m-%d}",
        )
