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
CALIBRATION = Actor("calibration", Role.ADMIN)  # the audit log's name for calibrated thresholds


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
    """Give a community that never had rules the default ones, and bring an older
    community's shipped rules up to this release (see `upgraded_defaults`); returns how
    many rules were added or changed."""
    with engine.begin() as conn:
        if not alert_store.has_ever_had_rules(conn, community_id):
            changes = [(None, rule, DEFAULTS) for rule in DEFAULT_RULES]
        else:
            changes = upgraded_defaults(conn, community_id)
        for rule_id, rule, actor in changes:
            alert_store.save_definition(
                conn, community_id, rule_to_dict(rule), rule_id, actor=actor, now=now
            )
    return len(changes)


def upgraded_defaults(conn: Connection, community_id: int) -> list[tuple[int | None, Rule, Actor]]:
    """(rule id or None to add, rule, who saves it) for each shipped rule that a release
    changed or added since the community got its rules. A rule nobody edited (saved last
    by the defaults or by calibration, not pinned) takes the shipped definition; one that
    calibration set keeps its threshold and stays calibration's (it moves the threshold
    again on its next run). A rule an analyst saved is theirs and stays. A shipped rule
    the community never had under that name (not even before a rename) is added."""
    stored = {rule.name: rule for rule in rules_of(conn, community_id)}
    authors = alert_store.rule_authors(conn, community_id)
    untouched = {alert_store.DEFAULTS_AUTHOR, CALIBRATION.name}
    names = None
    changes: list[tuple[int | None, Rule, Actor]] = []
    for shipped in DEFAULT_RULES:
        rule = stored.get(shipped.name)
        if rule is None:
            names = alert_store.names_ever_used(conn, community_id) if names is None else names
            if shipped.name not in names:
                changes.append((None, shipped, DEFAULTS))
            continue
        if rule.pinned or authors.get(rule.id) not in untouched:
            continue
        upgrade, actor = shipped, DEFAULTS
        if authors[rule.id] == CALIBRATION.name:
            upgrade = replace(
                shipped, threshold=rule.threshold, recovery_threshold=rule.recovery_threshold
            )
            actor = CALIBRATION
        if rule_to_dict(upgrade) != rule_to_dict(rule):
            changes.append((rule.id, upgrade, actor))
    return changes
