"""Job: note what is emerging in each community (dashboard.emerging_now), for the
"emerging term" alert metric (data_access.emerging_store)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine

from dashboard.emerging_now import emerging_now
from dashboard.worker.communities import for_each_community
from data_access import emerging_store
from data_access.communities import community_id_of

log = logging.getLogger(__name__)


def record_emerging_terms(engine: Engine, now: datetime) -> None:
    """Read each community's emerging terms as the Topic heat page would now, and keep them."""

    def record(community: str) -> None:
        community_id = community_id_of(engine, community)
        found = emerging_now(engine, community_id, now)
        with engine.begin() as conn:
            emerging_store.record(conn, community_id, now, found.terms)
        if found.terms:
            terms = ", ".join(t.term for t in found.terms[:5])
            log.info("emerging in %s: %s", community, terms)

    for_each_community(engine, "emerging terms", record)
