"""The live evaluator: every enabled rule of a community, for the minutes since it last
ran, with states and episodes kept in the database so restarts continue where they were."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete

from alerts.catalog import rules_of
from alerts.data import metric_data
from alerts.emerging_scores import strongest_terms
from alerts.evaluate import AlertState, Change, run
from alerts.metrics import scores_of
from alerts.rules import Rule, Scope
from alerts.windows import MetricData, ScopeNames, concrete_scopes, scope_label
from data_access import alert_data, alert_store
from data_access.alert_data import minute_of, moment_of
from data_access.schema import AlertStateRow

log = logging.getLogger(__name__)
CATCH_UP_MINUTES = 6 * 60  # after a longer pause the evaluator starts from the present
FIRST_LOOKBACK = timedelta(days=7)  # a rule or scope seen for the first time replays this


@dataclass
class CycleSummary:
    rules: int = 0
    scopes: int = 0
    opened: list[int] = field(default_factory=list)  # episode ids
    resolved: list[int] = field(default_factory=list)


def evaluate_community(
    engine: Engine, community_id: int, now: datetime, first_lookback: timedelta = FIRST_LOOKBACK
) -> CycleSummary:
    """Evaluate each enabled rule for the minutes up to `now` it has not seen yet.

    A scope never evaluated before (a new rule, topic or install, an imported archive)
    replays `first_lookback`, so its recent episodes are on record at once (too old to be
    notified); after a pause the evaluator catches up at most CATCH_UP_MINUTES."""
    last = minute_of(now)
    with engine.connect() as conn:
        rules = rules_of(conn, community_id)
        stored = alert_store.load_states(conn, community_id)
        states = {r.id: stored.get(r.id, {}) for r in rules}
        _, channel_names, topic_names = alert_data.names(conn, community_id)
    enabled = [r for r in rules if r.enabled]
    summary = CycleSummary(rules=len(enabled))
    for rule in rules:
        if not rule.enabled and states[rule.id]:
            _stand_down(engine, rule, states[rule.id], now)
    if not enabled:
        return summary
    lookback = int(first_lookback.total_seconds() // 60)
    names = ScopeNames(topic_names, channel_names)
    firsts = {
        (rule.id, key): _first_minute(states[rule.id].get(key, ({}, None))[0], last, lookback)
        for rule in enabled
        for key, _ in concrete_scopes(rule, names)
    }
    # a scope already evaluated past `now` (the host's clock set back) waits for it
    firsts = {scope: first for scope, first in firsts.items() if first <= last}
    if not firsts:
        return summary
    with engine.connect() as conn:
        data = metric_data(conn, community_id, enabled, min(firsts.values()), last + 1)
    judged = [j for rule in enabled for j in _judged(rule, data, states[rule.id], firsts)]
    with engine.begin() as conn:  # one transaction: every state of the cycle, or none
        writes = [_recorded(conn, community_id, j, data, summary) for j in judged]
        alert_store.store_states(conn, writes, now)
    summary.scopes = len(writes)
    return summary


def _first_minute(memory: dict, last: int, lookback: int) -> int:
    """The first minute to evaluate: the one after the last seen, or `lookback` minutes back
    for a scope never seen."""
    seen = memory.get("last_evaluated")
    if seen is None:
        return last - lookback
    return max(seen + 1, last - CATCH_UP_MINUTES)


@dataclass(frozen=True)
class _Judged:
    """One scope of a rule after the cycle's minutes: its new state and what changed."""

    rule: Rule
    key: str
    scope: Scope
    state: AlertState
    changes: list[Change]
    episode_id: int | None  # the episode open before the cycle
    stored: bool  # whether the scope had a state row


def _judged(rule: Rule, data: MetricData, stored: dict, firsts: dict):
    """Each of the rule's scopes due this cycle, judged on its minutes (no writes)."""
    for key, scope in concrete_scopes(rule, data):
        if (rule.id, key) not in firsts:
            continue
        memory, episode_id = stored.get(key, ({}, None))
        state = AlertState(**memory) if memory else AlertState()
        scores = scores_of(rule, scope, data, firsts[(rule.id, key)], data.end)
        state, changes = run(rule, scores, state)
        yield _Judged(rule, key, scope, state, changes, episode_id, bool(memory))


def _recorded(conn, community_id, judged: _Judged, data, summary) -> alert_store.StateWrite:
    """Open, update or close the scope's episode as its changes say; the state to store."""
    rule, episode_id = judged.rule, judged.episode_id
    for change in judged.changes:
        label = _label(rule, judged.scope, data, change)
        episode_id = _apply(
            conn, community_id, rule, judged.key, label, change, episode_id, summary
        )
    return alert_store.StateWrite(
        rule.id, judged.key, asdict(judged.state), episode_id, judged.stored
    )


def _label(rule: Rule, scope, data: MetricData, change: Change) -> str:
    """How an episode names what it is about: its scope, or for an emerging-term rule the
    terms (up to three) that were emerging when it began."""
    if rule.metric == "emerging_term":
        terms = strongest_terms(data, change.episode.start)[:3]
        if terms:
            return "terms " + ", ".join(terms)
    return scope_label(scope, data)


def _apply(conn, community_id, rule, key, label, change: Change, episode_id, summary):
    episode = change.episode
    if change.kind == "opened":
        started = moment_of(episode.start)
        episode_id = alert_store.open_episode(
            conn,
            {
                "community_id": community_id,
                "rule_id": rule.id,
                "rule_version": rule.version,
                "rule_name": rule.name,
                "severity": rule.severity,
                "scope_key": key,
                "scope_label": label,
                "onset_at": moment_of(episode.onset),
                "started_at": started,
                "peak_value": episode.peak_value,
                "peak_score": episode.peak_score,
                "silenced": alert_store.silenced(conn, community_id, rule.id, key, started),
            },
        )
        summary.opened.append(episode_id)
        log.debug("alert %r firing for %s", rule.name, label)
        return episode_id
    values = {"peak_value": episode.peak_value, "peak_score": episode.peak_score}
    if change.kind == "resolved":
        values["ended_at"] = moment_of(episode.end)
        summary.resolved.append(episode_id)
        log.debug("alert %r resolved for %s", rule.name, label)
    alert_store.update_episode(conn, episode_id, **values)
    return None if change.kind == "resolved" else episode_id


def _stand_down(engine: Engine, rule: Rule, stored: dict, now: datetime) -> None:
    """A disabled rule: end its open episodes now and forget its states."""
    with engine.begin() as conn:
        for _, episode_id in stored.values():
            if episode_id is not None:
                alert_store.update_episode(conn, episode_id, ended_at=now)
        conn.execute(delete(AlertStateRow).where(AlertStateRow.rule_id == rule.id))
