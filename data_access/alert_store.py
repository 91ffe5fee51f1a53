"""Alert rules, their versions, the evaluator's states, episodes, silences and
acknowledgements. Rule definitions are stored as JSON dicts; `alerts.rules` gives them
meaning. Writes that users make take the acting user and check the right first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, insert, or_, select, update

from access.permissions import Action, Actor, require
from data_access import audit
from data_access.schema import (
    AlertEpisode,
    AlertRule,
    AlertRuleVersion,
    AlertSilence,
    AlertStateRow,
)

DEFAULTS_AUTHOR = "Community ECG defaults"


class RuleNameTaken(ValueError):
    pass


def stored_rules(conn: Connection, community_id: int) -> list[tuple[int, int, dict]]:
    """(id, version, definition) of each rule of the community, by name."""
    rows = conn.execute(
        select(AlertRule.id, AlertRule.version, AlertRule.definition)
        .where(AlertRule.community_id == community_id)
        .order_by(AlertRule.name)
    ).all()
    return [(r.id, r.version, r.definition) for r in rows]


def save_definition(
    conn: Connection,
    community_id: int,
    definition: dict,
    rule_id: int | None,
    *,
    actor: Actor,
    now: datetime,
) -> tuple[int, int]:
    """Create (no `rule_id`) or update a rule; record the version and the audit entry.
    Returns (id, version). Analysts and admins only."""
    require(actor, Action.EDIT_RULES)
    name = definition["name"]
    clash = conn.scalar(
        select(AlertRule.id).where(AlertRule.community_id == community_id, AlertRule.name == name)
    )
    if clash is not None and clash != rule_id:
        raise RuleNameTaken(f"a rule named {name!r} already exists")
    values = {"name": name, "definition": definition, "updated_at": now, "updated_by": actor.name}
    if rule_id is None:
        statement = insert(AlertRule).values(community_id=community_id, version=1, **values)
        rule_id, old, version = (
            conn.execute(statement.returning(AlertRule.id)).scalar_one(),
            None,
            1,
        )
    else:
        old, version = conn.execute(
            select(AlertRule.definition, AlertRule.version).where(AlertRule.id == rule_id)
        ).one()
        version += 1
        conn.execute(
            update(AlertRule).where(AlertRule.id == rule_id).values(version=version, **values)
        )
    conn.execute(
        insert(AlertRuleVersion).values(
            rule_id=rule_id,
            version=version,
            at=now,
            actor=actor.name,
            old_definition=old,
            new_definition=definition,
        )
    )
    audit.record(conn, now, actor.name, "alert_rule.save", name, old, definition)
    return rule_id, version


def rule_authors(conn: Connection, community_id: int) -> dict[int, str]:
    """Who saved each rule of the community last: rule id -> updated_by."""
    rows = conn.execute(
        select(AlertRule.id, AlertRule.updated_by).where(AlertRule.community_id == community_id)
    ).all()
    return {r.id: r.updated_by for r in rows}


def names_ever_used(conn: Connection, community_id: int) -> set[str]:
    """Every name a rule of the community has had in any of its versions."""
    rows = conn.execute(
        select(AlertRuleVersion.new_definition)
        .join(AlertRule, AlertRule.id == AlertRuleVersion.rule_id)
        .where(AlertRule.community_id == community_id)
    ).all()
    return {r.new_definition["name"] for r in rows} | {
        name
        for name in conn.scalars(
            select(AlertRule.name).where(AlertRule.community_id == community_id)
        )
    }


def has_ever_had_rules(conn: Connection, community_id: int) -> bool:
    return (
        conn.scalar(select(AlertRule.id).where(AlertRule.community_id == community_id).limit(1))
        is not None
    )


def rule_versions(conn: Connection, rule_id: int) -> pd.DataFrame:
    rows = conn.execute(
        select(
            AlertRuleVersion.version,
            AlertRuleVersion.at,
            AlertRuleVersion.actor,
            AlertRuleVersion.old_definition,
            AlertRuleVersion.new_definition,
        )
        .where(AlertRuleVersion.rule_id == rule_id)
        .order_by(AlertRuleVersion.version.desc())
    ).all()
    columns = ["version", "at", "actor", "old", "new"]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def load_states(conn: Connection, community_id: int) -> dict[int, dict]:
    """rule id -> scope key -> (the stored state's memory, the open episode's id), for
    every rule of the community that has states."""
    rows = conn.execute(
        select(
            AlertStateRow.rule_id,
            AlertStateRow.scope_key,
            AlertStateRow.memory,
            AlertStateRow.episode_id,
        )
        .join(AlertRule, AlertRule.id == AlertStateRow.rule_id)
        .where(AlertRule.community_id == community_id)
    )
    states: dict[int, dict] = {}
    for r in rows:
        states.setdefault(r.rule_id, {})[r.scope_key] = (r.memory, r.episode_id)
    return states


@dataclass(frozen=True)
class StateWrite:
    """One scope's state after a cycle: `exists` when a row for it is stored already."""

    rule_id: int
    scope_key: str
    memory: dict
    episode_id: int | None
    exists: bool


def store_states(conn: Connection, writes: list[StateWrite], now: datetime) -> None:
    """Every scope's state of a cycle: one batch of updates and one of inserts."""
    rows = [
        {
            "b_rule": w.rule_id,
            "b_key": w.scope_key,
            "state": w.memory["state"],
            "memory": w.memory,
            "evaluated_at": now,
            "episode_id": w.episode_id,
        }
        for w in writes
    ]
    stored = [row for row, w in zip(rows, writes, strict=True) if w.exists]
    new = [row for row, w in zip(rows, writes, strict=True) if not w.exists]
    if stored:
        conn.execute(
            update(AlertStateRow).where(
                AlertStateRow.rule_id == bindparam("b_rule"),
                AlertStateRow.scope_key == bindparam("b_key"),
            ),
            stored,
        )
    if new:
        conn.execute(
            insert(AlertStateRow).values(rule_id=bindparam("b_rule"), scope_key=bindparam("b_key")),
            new,
        )


def open_episode(conn: Connection, values: dict) -> int:
    return conn.execute(
        insert(AlertEpisode).values(**values).returning(AlertEpisode.id)
    ).scalar_one()


def update_episode(conn: Connection, episode_id: int, **values) -> None:
    conn.execute(update(AlertEpisode).where(AlertEpisode.id == episode_id).values(**values))


def silenced(
    conn: Connection, community_id: int, rule_id: int, scope_key: str, at: datetime
) -> bool:
    """Whether a silence covers this rule and scope at `at`."""
    query = select(AlertSilence.id).where(
        AlertSilence.community_id == community_id,
        AlertSilence.starts_at <= at,
        AlertSilence.ends_at > at,
        or_(AlertSilence.rule_id.is_(None), AlertSilence.rule_id == rule_id),
        or_(AlertSilence.scope_key.is_(None), AlertSilence.scope_key == scope_key),
    )
    return conn.scalar(query.limit(1)) is not None


def add_silence(
    engine: Engine,
    community_id: int,
    rule_id: int | None,
    scope_key: str | None,
    starts_at: datetime,
    ends_at: datetime,
    comment: str,
    *,
    actor: Actor,
    now: datetime,
) -> int:
    """Silence matching episodes in [starts_at, ends_at). Managers and up; audited."""
    require(actor, Action.SILENCE_ALERTS)
    if ends_at <= starts_at:
        raise ValueError("a silence must end after it starts")
    values = {
        "community_id": community_id,
        "rule_id": rule_id,
        "scope_key": scope_key,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "author": actor.name,
        "comment": comment,
    }
    with engine.begin() as conn:
        silence_id = conn.execute(
            insert(AlertSilence).values(**values).returning(AlertSilence.id)
        ).scalar_one()
        shown = {**values, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
        audit.record(conn, now, actor.name, "alert.silence", f"silence {silence_id}", None, shown)
    return silence_id


def acknowledge(engine: Engine, episode_id: int, *, actor: Actor, now: datetime) -> None:
    """Mark an episode as seen by `actor`. Managers and up; audited."""
    require(actor, Action.ACKNOWLEDGE_ALERTS)
    with engine.begin() as conn:
        conn.execute(
            update(AlertEpisode)
            .where(AlertEpisode.id == episode_id, AlertEpisode.acknowledged_by.is_(None))
            .values(acknowledged_by=actor.name, acknowledged_at=now)
        )
        audit.record(conn, now, actor.name, "alert.acknowledge", f"episode {episode_id}")


def episodes(
    conn: Connection,
    community_id: int,
    start: datetime,
    end: datetime,
    only_open: bool = False,
) -> pd.DataFrame:
    """Episodes that overlap [start, end) (or are still firing), newest first: found by
    their end (ix_alert_episodes_community_ended), so those that ended before the range
    are never read; sorted here, where an ORDER BY would draw the planners to the index
    by start and through every episode before `end`."""
    query = select(AlertEpisode.__table__).where(AlertEpisode.community_id == community_id)
    if only_open:
        query = query.where(AlertEpisode.ended_at.is_(None))
    else:
        query = query.where(
            or_(AlertEpisode.ended_at.is_(None), AlertEpisode.ended_at > start),
            AlertEpisode.started_at < end,
        )
    result = conn.execute(query)
    frame = pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))
    return frame.sort_values("started_at", ascending=False, ignore_index=True)


def silences(conn: Connection, community_id: int, now: datetime) -> pd.DataFrame:
    """Silences still in force or yet to start."""
    result = conn.execute(
        select(AlertSilence.__table__)
        .where(AlertSilence.community_id == community_id, AlertSilence.ends_at > now)
        .order_by(AlertSilence.starts_at)
    )
    return pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))
