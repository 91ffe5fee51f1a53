"""What the Topics page needs to edit a rule: the rule from the form's text, what is wrong
with it in words, and its preview on recent messages beside the saved rule (which
messages it would newly match, and which it would no longer match)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.topics import TopicRule, TopicRuleError, compile_rule, prepare, validate
from dashboard.i18n import _
from dashboard.i18n.reasons import field_and_reason
from data_access.topics import topic_rule_of

__all__ = [
    "CHOICE_KEY",
    "FIELDS",
    "NEW",
    "TopicPreview",
    "TopicRule",
    "is_blank",
    "prefill_new_topic",
    "preview",
    "rule_from_inputs",
    "rule_problem",
    "topic_rule_of",
]

FIELDS = ("keywords", "phrases", "patterns", "exclusions")
NEW = "➕ New topic"  # the editor's choice for a topic not yet saved
CHOICE_KEY = "topic-choice"


def prefill_new_topic(state, name: str, **fields: tuple[str, ...]) -> None:
    """Open the Topics page's editor (its session `state`) on a new topic of this name
    and these keywords, phrases…: a suggestion or an emerging term made a topic, to edit
    with its preview and save."""
    state[CHOICE_KEY] = NEW
    state[f"topic-{NEW}-name"] = name
    for field in FIELDS:
        state[f"topic-{NEW}-{field}"] = "\n".join(fields.get(field, ()))


def rule_from_inputs(name: str, colour: str, texts: dict[str, str]) -> TopicRule:
    """The rule as typed: one keyword, phrase, pattern or exclusion per non-blank line."""

    def lines(field: str) -> tuple[str, ...]:
        return tuple(line for line in texts[field].splitlines() if line.strip())

    return TopicRule(name=name, colour=colour, **{field: lines(field) for field in FIELDS})


def is_blank(rule: TopicRule) -> bool:
    return rule == TopicRule("", colour=rule.colour)


def rule_problem(rule: TopicRule) -> str | None:
    """What is wrong with the rule as typed, in words for the page; None when it can be saved."""
    if is_blank(rule):
        return _("Give the topic a name and at least one keyword, phrase or pattern to preview it.")
    try:
        validate(rule)
    except TopicRuleError as error:
        return field_and_reason(error.field, error.reason)
    return None


@dataclass(frozen=True)
class TopicPreview:
    messages: pd.DataFrame  # the recent messages, with `now` and `was` (matched by each rule)

    @property
    def matched(self) -> pd.DataFrame:
        return self.messages[self.messages["now"]]

    @property
    def newly_matched(self) -> pd.DataFrame:
        return self.messages[self.messages["now"] & ~self.messages["was"]]

    @property
    def no_longer_matched(self) -> pd.DataFrame:
        return self.messages[self.messages["was"] & ~self.messages["now"]]


def preview(rule: TopicRule, before: TopicRule | None, recent: pd.DataFrame) -> TopicPreview:
    """Which of the `recent` messages `rule` matches, and which `before` (the saved rule, None
    for a new topic) matched. `rule` must be valid (rule_problem is None)."""
    edited = compile_rule(validate(rule))
    current = compile_rule(before) if before else None
    prepared = [prepare(text) for text in recent["text"]]
    now = [edited.matches(p) for p in prepared]
    was = [current.matches(p) if current else False for p in prepared]
    return TopicPreview(recent.assign(now=now, was=was))
