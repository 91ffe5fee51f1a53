"""The alert lifecycle: Normal, Pending, Firing, Resolved and NoData, one minute at a time.

`step` is the whole state machine and is pure: the live evaluator feeds it the newest
minutes, a backtest feeds it a month of them, and both get the same episodes.

* Normal -> Pending when the score crosses the threshold; Pending -> Firing when it has
  stayed across for the rule's pending period (at once if the period is 0).
* Firing stays until the score has been on the recovered side of the recovery threshold
  (the hysteresis) for the keep-firing period; then Resolved, for one minute, then Normal.
* The minimum-volume guard: a window with too little volume is judged as recovered.
* NoData when the score cannot be computed (no messages in the scope for eight weeks, no
  baseline yet, no scored message for a sentiment metric); a firing episode treats it as
  recovered.
* A minute already evaluated is skipped, so a restarted worker never opens a second
  episode for the same incident.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from alerts.rules import Rule

STATES = ("normal", "pending", "firing", "resolved", "nodata")


@dataclass(frozen=True)
class AlertState:
    state: str = "normal"
    pending_since: int | None = None  # minutes since the epoch
    started: int | None = None  # the open episode's first firing minute
    last_held: int | None = None  # the last minute a firing score was not recovered
    peak_value: float | None = None
    peak_score: float | None = None
    last_evaluated: int | None = None


@dataclass(frozen=True)
class Episode:
    start: int  # minute it began firing
    end: int | None  # minute it resolved; None while firing
    onset: int  # minute the condition first held (start minus the pending period)
    peak_value: float
    peak_score: float


@dataclass(frozen=True)
class Change:
    """What a step did to the episodes: 'opened', 'updated' (new peak) or 'resolved'."""

    kind: str
    episode: Episode


def step(
    rule: Rule, state: AlertState, minute: int, value: float, score: float, guard: float
) -> tuple[AlertState, Change | None]:
    """The state after evaluating `minute`, and the episode change it made, if any."""
    if state.last_evaluated is not None and minute <= state.last_evaluated:
        return state, None
    state = replace(state, last_evaluated=minute)
    missing = score is None or math.isnan(score)
    judged = not missing and guard >= rule.min_volume
    breach = judged and rule.breaches(score)
    recovered = not judged or rule.recovered(score)
    if state.state == "firing":
        return _while_firing(rule, state, minute, value, score, recovered)
    if missing:
        return _reset(state, "nodata"), None
    if not breach:
        return _reset(state, "normal"), None
    onset = state.pending_since if state.state == "pending" else minute
    if minute - onset < rule.for_minutes:
        return replace(state, state="pending", pending_since=onset), None
    opened = replace(
        state,
        state="firing",
        pending_since=onset,
        started=minute,
        last_held=minute,
        peak_value=value,
        peak_score=score,
    )
    return opened, Change("opened", _episode(opened, None))


def _while_firing(rule, state, minute, value, score, recovered):
    if not recovered:
        more_extreme = (score > state.peak_score) == (rule.direction == "above")
        if more_extreme and score != state.peak_score:
            held = replace(state, last_held=minute, peak_value=value, peak_score=score)
            return held, Change("updated", _episode(held, None))
        return replace(state, last_held=minute), None
    if minute - state.last_held <= rule.keep_firing_minutes:
        return state, None
    resolved = _episode(state, minute)
    return replace(_reset(state, "resolved")), Change("resolved", resolved)


def _reset(state: AlertState, name: str) -> AlertState:
    return AlertState(state=name, last_evaluated=state.last_evaluated)


def _episode(state: AlertState, end: int | None) -> Episode:
    return Episode(state.started, end, state.pending_since, state.peak_value, state.peak_score)


def run(
    rule: Rule, scores: Mapping, state: AlertState = AlertState()
) -> tuple[AlertState, list[Change]]:
    """Step through a rule's scores (minute, value, score, guard: a `score_series` frame
    or `scores_of` arrays) in order.

    Quiet stretches (not firing, not pending, no breach) are skipped in one jump, with the
    state `step` would have left at their last minute: a month is 43,200 minutes."""
    minutes = np.asarray(scores["minute"])
    values, score, guard = (np.asarray(scores[c], dtype=float) for c in ("value", "score", "guard"))
    if state.last_evaluated is not None:
        new = minutes > state.last_evaluated
        minutes, values, score, guard = minutes[new], values[new], score[new], guard[new]
    missing = np.isnan(score)
    with np.errstate(invalid="ignore"):
        breach = ~missing & (guard >= rule.min_volume) & _breaches(rule, score)
    breach_at = np.flatnonzero(breach)
    changes: list[Change] = []
    index, size = 0, len(minutes)
    while index < size:
        if state.state in ("normal", "nodata", "resolved") and not breach[index]:
            position = np.searchsorted(breach_at, index)
            following = int(breach_at[position]) if position < len(breach_at) else size
            last = following - 1
            state = _reset(replace(state, last_evaluated=int(minutes[last])), "normal")
            state = replace(state, state="nodata" if missing[last] else "normal")
            index = following
            continue
        state, change = step(
            rule, state, int(minutes[index]), values[index], score[index], guard[index]
        )
        if change is not None:
            changes.append(change)
        index += 1
    return state, changes


def _breaches(rule: Rule, score: np.ndarray) -> np.ndarray:
    return score > rule.threshold if rule.direction == "above" else score < rule.threshold


def episodes_of(changes: list[Change]) -> list[Episode]:
    """The episodes as they stand after the changes: the last word on each start."""
    latest: dict[int, Episode] = {}
    for change in changes:
        latest[change.episode.start] = change.episode
    return [latest[start] for start in sorted(latest)]
