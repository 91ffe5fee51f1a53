"""Topic rules as stored: a `topics` row and its TopicRule, both ways."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import Connection, select

from analysis.topics import TopicRule
from data_access.schema import Topic

RULE_COLUMNS = ("name", "keywords", "phrases", "patterns", "exclusions", "colour")


def topic_rule_of(row) -> TopicRule:
    """The rule of a `topics` row (any mapping of its columns)."""
    return TopicRule(
        name=row["name"],
        keywords=tuple(row["keywords"]),
        phrases=tuple(row["phrases"]),
        patterns=tuple(row["patterns"]),
        exclusions=tuple(row["exclusions"]),
        colour=row["colour"],
    )


def rule_values(rule: TopicRule) -> dict:
    """A topic rule as the columns of the topics table."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(rule).items()}


def topic_rules(conn: Connection, community_id: int) -> list[TopicRule]:
    """The community's topic rules, by name."""
    query = select(Topic.__table__).where(Topic.community_id == community_id)
    rows = conn.execute(query.order_by(Topic.name)).mappings().all()
    return [topic_rule_of(row) for row in rows]


def stored_values(conn: Connection, topic_id: int) -> dict | None:
    """A topic's rule columns as stored (for the audit log), None when there is no such topic."""
    row = conn.execute(select(Topic.__table__).where(Topic.id == topic_id)).mappings().first()
    return None if row is None else {key: row[key] for key in RULE_COLUMNS}
