"""Create or upgrade a database and give a community its starting topics."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, insert, select

from data_access.migrate import upgrade
from data_access.schema import Topic
from data_access.store import ensure_community


def init_database(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe to run on every start."""
    upgrade(engine)


def seed_topics(engine: Engine, community: str, topics: Iterable[dict]) -> int:
    """Store `topics` (dicts of Topic columns) for a community that has none yet; the
    community is made when new."""
    with engine.begin() as conn:
        community_id = ensure_community(conn, community)
        if conn.scalar(select(Topic.id).where(Topic.community_id == community_id).limit(1)):
            return 0
        rows = [{**topic, "community_id": community_id} for topic in topics]
        if rows:
            conn.execute(insert(Topic), rows)
        return len(rows)
