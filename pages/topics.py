"""Topics: list, add and edit topic rules, preview them on recent messages, save and re-tag."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.web import actions, components, resources
from dashboard.web.topic_editor import (
    FIELDS,
    TopicRule,
    is_blank,
    preview,
    rule_from_inputs,
    rule_problem,
    topic_rule_of,
)

PREVIEW_MESSAGES = 500
NEW = "➕ New topic"
HELP = {
    "keywords": (
        "Whole words, one per line; any of them puts a message in the topic. Chinese terms "
        "(退款, 售后) match as characters anywhere in a message, Simplified or Traditional."
    ),
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


def show_preview(rule: TopicRule, before: TopicRule | None, recent: pd.DataFrame) -> None:
    shown = preview(rule, before, recent)
    st.subheader("Preview on the newest messages")
    cols = st.columns(3)
    cols[0].metric(f"Match, of {len(recent)}", len(shown.matched))
    cols[1].metric("Newly matched", len(shown.newly_matched))
    cols[2].metric("No longer matched", len(shown.no_longer_matched))
    matched, missed = st.tabs(["Would match", "Would miss (matched before)"])
    with matched:
        components.message_table(shown.matched.head(50), filters.timezone, "preview_hit")
    with missed:
        lost = shown.no_longer_matched.head(50)
        components.message_table(lost, filters.timezone, "preview_lost")


def topic_table(topics: pd.DataFrame) -> None:
    listing = topics[["name", "keywords", "phrases", "patterns", "exclusions", "colour"]]
    st.table(  # a table, not a grid: long keyword lists wrap instead of being cut
        listing.map(lambda v: ", ".join(v) if isinstance(v, list) else v).set_index("name")
    )


def rule_form(before: TopicRule | None, key: str) -> TopicRule:
    """The editor's fields, filled from `before` (None: a new topic); the rule as typed."""
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
    return rule_from_inputs(name, colour, texts)


def save_and_retag(cid: int, rule: TopicRule, topic_id: int | None) -> None:
    bar = st.progress(0.0, text="Re-tagging past messages…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Re-tagged {done:,} of {total:,}")

    saved = actions.save_topic(cid, rule, topic_id, progress)
    if saved:
        result = saved.result
        st.success(
            f"Saved. {result.matched:,} of {result.scanned:,} messages are in the topic "
            f"{components.plain(rule.name)} now."
        )


def body() -> None:
    cid = filters.community_id
    topics = resources.topics(cid)
    if not topics.empty:
        topic_table(topics)
    choice = st.selectbox("Topic to edit", [NEW, *topics["name"].tolist()])
    row = None if choice == NEW else topics[topics["name"] == choice].iloc[0]
    before = None if row is None else topic_rule_of(row)
    rule = rule_form(before, f"topic-{choice}")
    problem = rule_problem(rule)
    if problem is not None:
        if is_blank(rule):
            st.info(problem)
        else:
            st.error(components.plain(problem))
        return

    show_preview(rule, before, resources.recent_texts(cid, PREVIEW_MESSAGES))
    save, remove = st.columns(2)
    topic_id = None if row is None else int(row["id"])
    if save.button("Save and re-tag past messages", type="primary"):
        save_and_retag(cid, rule, topic_id)
    deleting = topic_id is not None and remove.button("Delete this topic")
    if deleting and actions.delete_topic(topic_id):
        st.rerun()


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
