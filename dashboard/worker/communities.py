"""Each community's share of a worker job, on its own: one community's failure (a defect
its data brings out) is logged with its name and the others still get their turn."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine

from data_access.communities import community_names

log = logging.getLogger(__name__)


def for_each_community(engine: Engine, job: str, work: Callable[[str], None]) -> list[str]:
    """work(name) for every community; returns the names whose work failed (each logged
    with its traceback). A stop (WorkerStopping, a BaseException) is not caught."""
    failed = []
    for community in community_names(engine):
        try:
            work(community)
        except Exception:
            log.exception("%s of %s failed; will try again", job, community)
            failed.append(community)
    return failed
