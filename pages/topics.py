"""Topics: list, add and edit topic rules, preview them on recent messages, save and re-tag."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.permissions import PermissionDenied
from analysis.topics import TopicRule, TopicRuleError, compile_rule, prepare, validate
from dashboard.changes.topics import delete_topic, save_topic
from dashboard.web import auth, components, resources
from data_access.topics import topic_rule_of

PREVIEW_MESSAGES = 500
NEW = "➕ New topic"
FIELDS = ("keywords", "phrases", "patterns", "exclusions")
HELP = {
    "keywords": "Whole words, one per line; any of them puts a message in the topic.",
    "phrases": "Several words in this order, one phrase per line.",
    "patterns": "Regular expressions (case-insensitive), one per line, for example `v\\d+\\.\\d+`.",
    "exclusions": "Words or phrases that keep a message out of the topic even when it matches.",
}

filters = components.current_filters()
st.header("Topics")
st.caption(
    "A topic is a named rule. Edit it and see at once which recent messages it would match "
    "and miss; saving re-tags every past message and rebuilds the topic's figures."
)


def rule_from_inputs(name: str, colour: str, texts: dict[str, str]) -> TopicRule:
    def lines(field: str) -> tuple[str, ...]:
        return tuple(line for line in texts[field].splitlines() if line.strip())

    return TopicRule(name=name, colour=colour, **{field: lines(field) for field in FIELDS})


def preview(rule: TopicRule, before: TopicRule | None, recent: pd.DataFrame) -> None:
    try:
        edited = compile_rule(validate(rule))
    except TopicRuleError:
        return
    current = compile_rule(before) if before else None
    prepared = [prepare(text) for text in recent["text"]]
    now = [edited.matches(p) for p in prepared]
    was = [current.matches(p) if current else False for p in prepared]
    recent = recent.assign(now=now, was=was)
    st.subheader("Preview on the newest messages")
    cols = st.columns(3)
    cols[0].metric(f"Match, of {len(recent)}", sum(now))
    cols[1].metric("Newly matched", sum(n and not w for n, w in zip(now, was, strict=True)))
    cols[2].metric("No longer matched", sum(w and not n for n, w in zip(now, was, strict=True)))
    matched, missed = st.tabs(["Would match", "Would miss (matched before)"])
    with matched:
        components.message_table(recent[recent["now"]].head(50), filters.timezone, "preview_hit")
    with missed:
        lost = recent[recent["was"] & ~recent["now"]]
        components.message_table(lost.head(50), filters.timezone, "preview_lost")


def rule_problem(rule: TopicRule) -> str | None:
    """What is wrong with the rule as typed, in words for the page; None when it can be saved."""
    if rule == TopicRule("", colour=rule.colour):
        return "Give the topic a name and at least one keyword, phrase or pattern to preview it."
    try:
        validate(rule)
    except TopicRuleError as error:
        return f"{error.field.capitalize()}: {error.reason}"
    return None


def body() -> None:
    cid = filters.community_id
    topics = resources.topics(cid)
    if not topics.empty:
        listing = topics[["name", "keywords", "phrases", "patterns", "exclusions", "colour"]]
        st.table(  # a table, not a grid: long keyword lists wrap instead of being cut
            listing.map(lambda v: ", ".join(v) if isinstance(v, list) else v).set_index("name")
        )
    choice = st.selectbox("Topic to edit", [NEW, *topics["name"].tolist()])
    row = None if choice == NEW else topics[topics["name"] == choice].iloc[0]
    before = None if row is None else topic_rule_of(row)
    key = f"topic-{choice}"

    name = st.text_input("Name", value="" if before is None else before.name, key=f"{key}-name")
    colour = st.color_picker(
        "Colour", value="#636efa" if before is None else before.colour, key=f"{key}-colour"
    )
    texts = {}
    columns = st.columns(2)
    for index, field in enumerate(FIELDS):
        value = "" if before is None else "\n".join(getattr(before, field))
        texts[field] = columns[index % 2].text_area(
            field.capitalize(), value=value, help=HELP[field], key=f"{key}-{field}"
        )
    rule = rule_from_inputs(name, colour, texts)
    problem = rule_problem(rule)
    if problem is not None:
        if rule == TopicRule("", colour=colour):
            st.info(problem)
        else:
            st.error(components.plain(problem))
        return

    recent = resources.recent_texts(cid, PREVIEW_MESSAGES)
    preview(rule, before, recent)

    save, remove = st.columns(2)
    if save.button("Save and re-tag past messages", type="primary"):
        bar = st.progress(0.0, text="Re-tagging past messages…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"Re-tagged {done:,} of {total:,}")

        try:
            result = save_topic(
                resources.engine(),
                cid,
                rule,
                None if row is None else int(row["id"]),
                progress,
                actor=auth.current_account().actor,
                now=auth.now(),
            )
        except TopicRuleError as error:
            st.error(components.plain(f"{error.field.capitalize()}: {error.reason}"))
            return
        except PermissionDenied as error:
            st.error(components.plain(f"Not saved: {error}."))
            return
        resources.clear()
        st.success(
            f"Saved. {result.matched:,} of {result.scanned:,} messages are in the topic "
            f"{components.plain(rule.name)} now."
        )
    if row is not None and remove.button("Delete this topic"):
        delete_topic(
            resources.engine(), int(row["id"]), actor=auth.current_account().actor, now=auth.now()
        )
        resources.clear()
        st.rerun()


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
