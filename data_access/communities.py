"""A community's names and ids."""

from __future__ import annotations

from sqlalchemy import Engine, select

from data_access.schema import Community


def community_id_of(engine: Engine, community: str) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(Community.id).where(Community.name == community))


def community_names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(Community.name).order_by(Community.name)))
