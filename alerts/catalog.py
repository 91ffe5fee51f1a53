"""A community's alert rules as `Rule` values: read, save (validated, versioned, audited),
and the defaults every community starts with."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, Engine

from access.permissions import Action, Actor, Role, require
from alerts.rules import DEFAULT_RULES, Rule, RuleValidationError, rule_from_dict, rule_to_dict
from data_access import alert_store

DEFAULTS = Actor(alert_store.DEFAULTS_AUTHOR, Role.ADMIN)


def rules_of(conn: Connection, community_id: int) -> list[Rule]:
    return [
        rule_from_dict(definition, rule_id, version)
        for rule_id, version, definition in alert_store.stored_rules(conn, community_id)
    ]


def save_rule(
    engine: Engine, community_id: int, rule: Rule, *, actor: Actor, now: datetime
) -> Rule:
    """Create (rule.id None) or update a rule; returns it with its id and new version.
    Raises PermissionDenied for managers and executives, RuleValidationError for bad fields."""
    require(actor, Action.EDIT_RULES)
    rule = rule_from_dict(rule_to_dict(rule), rule.id)
    with engine.begin() as conn:
        try:
            rule_id, version = alert_store.save_definition(
                conn, community_id, rule_to_dict(rule), rule.id, actor=actor, now=now
            )
        except alert_store.RuleNameTaken as error:
            raise RuleValidationError("name", str(error)) from None
    return replace(rule, id=rule_id, version=version)


def ensure_default_rules(engine: Engine, community_id: int, now: datetime) -> int:
    """Give a community that never had rules the default ones; returns how many were added."""
    with engine.begin() as conn:
        if alert_store.has_ever_had_rules(conn, community_id):
            return 0
        for rule in DEFAULT_RULES:
            alert_store.save_definition(
                conn, community_id, rule_to_dict(rule), None, actor=DEFAULTS, now=now
            )
    return len(DEFAULT_RULES)
