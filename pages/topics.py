"""Topics: list, add and edit topic rules, preview them on recent messages, save and re-tag."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import N_, _, ngettext, number, shortened
from dashboard.web import actions, components, resources
from dashboard.web.topic_editor import (
    CHOICE_KEY,
    FIELDS,
    NEW,
    TopicRule,
    is_blank,
    prefill_new_topic,
    preview,
    rule_from_inputs,
    rule_problem,
    topic_rule_of,
)

PREVIEW_MESSAGES = 500
SUGGESTED_KEY = "suggested-topics"  # the suggestions found, kept while the page is open
REJECTED_KEY = "suggestions-rejected"
NEW_LABEL = N_("➕ New topic")
HELP = {
    "keywords": N_(
        "Whole words, one per line; any of them puts a message in the topic. Chinese terms "
        "(退款, 售后) match as characters anywhere in a message, Simplified or Traditional."
    ),
    "phrases": N_("Several words in this order, one phrase per line."),
    "patterns": N_(
        "Regular expressions (case-insensitive), one per line, for example `v\\d+\\.\\d+`."
    ),
    "exclusions": N_("Words or phrases that keep a message out of the topic even when it matches."),
}
FIELD_NAMES = {
    "keywords": N_("Keywords"),
    "phrases": N_("Phrases"),
    "patterns": N_("Patterns"),
    "exclusions": N_("Exclusions"),
}

filters = components.current_filters()
st.header(_("Topics"))
st.caption(
    _(
        "A topic is a named rule. Edit it and see at once which recent messages it would "
        "match and miss; saving re-tags every past message and rebuilds the topic's figures."
    )
)


def show_preview(rule: TopicRule, before: TopicRule | None, recent: pd.DataFrame) -> None:
    shown = preview(rule, before, recent)
    st.subheader(_("Preview on the newest messages"))
    cols = st.columns(3)
    cols[0].metric(_("Match, of {count}").format(count=len(recent)), len(shown.matched))
    cols[1].metric(_("Newly matched"), len(shown.newly_matched))
    cols[2].metric(_("No longer matched"), len(shown.no_longer_matched))
    matched, missed = st.tabs([_("Would match"), _("Would miss (matched before)")])
    with matched:
        components.message_table(shown.matched.head(50), filters.timezone, "preview_hit")
    with missed:
        lost = shown.no_longer_matched.head(50)
        components.message_table(lost, filters.timezone, "preview_lost")


TABLE_HEADERS = {"name": N_("Topic"), **FIELD_NAMES, "colour": N_("Colour")}


def topic_table(topics: pd.DataFrame) -> None:
    listing = topics[list(TABLE_HEADERS)]
    listing = listing.map(lambda v: ", ".join(v) if isinstance(v, list) else v).set_index("name")
    listing.index.name = _(TABLE_HEADERS["name"])
    listing = listing.rename(columns={c: _(TABLE_HEADERS[c]) for c in listing.columns})
    # a table, not a grid: long keyword lists wrap instead of being cut; each colour shown
    # as a swatch of itself (its code in it, written in the same colour), not as "#d62728"
    swatch = lambda colour: f"background-color: {colour}; color: {colour}"  # noqa: E731
    st.table(listing.style.map(swatch, subset=[_(TABLE_HEADERS["colour"])]))


def _filled(key: str, value: str) -> dict:
    """The starting value of a field, unless an accepted suggestion already filled it."""
    return {} if key in st.session_state else {"value": value}


def rule_form(before: TopicRule | None, key: str) -> TopicRule:
    """The editor's fields, filled from `before` (None: a new topic); the rule as typed."""
    name_key = f"{key}-name"
    name = st.text_input(
        _("Name"), key=name_key, **_filled(name_key, "" if before is None else before.name)
    )
    colour = st.color_picker(
        _("Colour"), value="#636efa" if before is None else before.colour, key=f"{key}-colour"
    )
    texts = {}
    columns = st.columns(2)
    for index, field in enumerate(FIELDS):
        field_key = f"{key}-{field}"
        value = "" if before is None else "\n".join(getattr(before, field))
        texts[field] = columns[index % 2].text_area(
            _(FIELD_NAMES[field]), help=_(HELP[field]), key=field_key, **_filled(field_key, value)
        )
    return rule_from_inputs(name, colour, texts)


def _accept(suggestion) -> None:
    """Open the editor on a new topic made of the suggestion: its name and keywords."""
    prefill_new_topic(st.session_state, suggestion.name, keywords=suggestion.keywords)


def _trend(growth: float | None) -> str:
    if growth is None:
        return _("new in the later half")
    return _("×{growth} its share of the earlier half").format(growth=f"{growth:.2f}")


def suggestions_panel(cid: int) -> None:
    with st.expander(
        _("Suggested topics: what the messages are about, found without rules"),
        expanded=SUGGESTED_KEY in st.session_state,
    ):
        st.caption(
            _(
                "Groups the newest messages (up to 20,000) by what they say and names each "
                "group by its most telling words. Accept one to open it in the editor below as "
                "a new topic, with its preview; reject it and it is not suggested again. "
                "Groups that are mostly an existing topic are left out. See docs/discovery.md."
            )
        )
        left, right = st.columns([1, 3], vertical_alignment="bottom")
        days = left.number_input(_("Days of messages"), 1, 90, 14, key="suggest-days")
        if right.button(_("Find topics"), key="suggest-find"):
            hour = components.now().replace(minute=0, second=0, microsecond=0)
            try:
                st.session_state[SUGGESTED_KEY] = resources.suggested_topics(cid, days, hour)
            except resources.TooFewMessages as error:
                st.session_state.pop(SUGGESTED_KEY, None)
                too_few = (
                    ngettext(
                        "{count} message in all: too few to find topics in (at least {least} "
                        "are needed).",
                        "{count} messages in all: too few to find topics in (at least {least} "
                        "are needed).",
                        error.found,
                    )
                    if error.all_read
                    else ngettext(
                        "{count} message in the last {days} days with data: too few to find "
                        "topics in. Take more days.",
                        "{count} messages in the last {days} days with data: too few to find "
                        "topics in. Take more days.",
                        error.found,
                    )
                )
                st.info(
                    too_few.format(count=number(error.found), days=error.days, least=error.least)
                )
            except ValueError as error:
                st.session_state.pop(SUGGESTED_KEY, None)
                st.info(components.plain(str(error)))
        found = st.session_state.get(SUGGESTED_KEY)
        if found is not None:
            show_suggestions(cid, found)


def show_suggestions(cid: int, found) -> None:
    rejected = st.session_state.setdefault(REJECTED_KEY, set())
    left_out = found.already_topics + found.rejected_before
    found_text = _("{count} suggestions in {messages} messages").format(
        count=len(found.suggestions), messages=number(found.messages)
    )
    if left_out:
        found_text += "; " + _("{count} left out (already a topic, or rejected before)").format(
            count=left_out
        )
    st.caption(found_text)
    for index, suggestion in enumerate(found.suggestions):
        if suggestion.name in rejected:
            continue
        with st.container(border=True):
            st.markdown(
                f"**{components.plain(suggestion.name)}** · "
                + _("{count} messages").format(count=number(suggestion.size))
                + f" · {_trend(suggestion.growth)}"
            )
            st.caption(_("Keywords") + ": " + components.plain(", ".join(suggestion.keywords)))
            for sample in suggestion.samples:
                st.text(shortened(sample, 160))
            accept, reject, _space = st.columns([1, 1, 4])
            accept.button(_("Accept"), key=f"accept-{index}", on_click=_accept, args=(suggestion,))
            if reject.button(_("Reject"), key=f"reject-{index}") and actions.reject_suggestion(
                cid, suggestion
            ):
                rejected.add(suggestion.name)
                st.rerun()


def save_and_retag(cid: int, rule: TopicRule, topic_id: int | None) -> None:
    bar = st.progress(0.0, text=_("Re-tagging past messages…"))

    def progress(done: int, total: int) -> None:
        retagged = _("Re-tagged {done} of {total}").format(done=number(done), total=number(total))
        bar.progress(done / total if total else 1.0, text=retagged)

    saved = actions.save_topic(cid, rule, topic_id, progress)
    if saved:
        result = saved.result
        st.success(
            _("Saved. {matched} of {scanned} messages are in the topic {name} now.").format(
                matched=number(result.matched),
                scanned=number(result.scanned),
                name=components.plain(rule.name),
            )
        )


def body() -> None:
    cid = filters.community_id
    topics = resources.topics(cid)
    if not topics.empty:
        topic_table(topics)
    suggestions_panel(cid)
    new_label = _(NEW_LABEL)  # worded in this run's language
    choice = st.selectbox(
        _("Topic to edit"),
        [NEW, *topics["name"].tolist()],
        key=CHOICE_KEY,
        format_func=lambda name: new_label if name == NEW else name,
    )
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
    if save.button(_("Save and re-tag past messages"), type="primary"):
        save_and_retag(cid, rule, topic_id)
    deleting = topic_id is not None and remove.button(_("Delete this topic"))
    if deleting and actions.delete_topic(topic_id):
        st.rerun()


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
