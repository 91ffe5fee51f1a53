"""Topic heat: topics by time, what is rising fastest, and a drill-down to messages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.charts import topics as topic_charts
from dashboard.i18n import N_, _, translator
from dashboard.web import components, resources
from dashboard.web.corrections_view import correction_form
from dashboard.web.emerging import MIN_AUTHORS, WINDOW_HOURS, hour_start
from dashboard.web.timeranges import bucket_for
from dashboard.web.topic_editor import prefill_new_topic
from dashboard.web.views import (
    BUCKET_LENGTH,
    bucket_edges,
    counting_only,
    rising_topics,
    topic_heat,
)

VOLUME, SENTIMENT = N_("volume"), N_("average sentiment")
PERIOD = {"hour": N_("Hour"), "day": N_("Day"), "week": N_("Week")}

filters = components.current_filters()
st.header(_("Topic heat"))
st.caption(
    _(
        "How much each topic is discussed over time, and how people feel about it. "
        "Topics are keyword and pattern rules, edited on the Topics page."
    )
)


TOPICS_PAGE = Path(__file__).with_name("topics.py")


def emerging_now(cid: int) -> None:
    st.subheader(_("Emerging now"))
    moment = components.now()
    as_of = moment.replace(minute=moment.minute // 5 * 5, second=0, microsecond=0)
    found = resources.emerging_terms(cid, as_of)
    st.caption(
        _(
            "Words far more frequent in the last {hours} hours than in their own usual week, "
            "used by at least {people} people (docs/discovery.md). The community's everyday "
            "words never show here."
        ).format(hours=WINDOW_HOURS, people=MIN_AUTHORS)
    )
    if not found.terms:
        st.caption(_("Nothing is emerging now."))
        return
    table = pd.DataFrame(
        {
            _("term"): [t.term for t in found.terms],
            _("× usual"): [t.ratio for t in found.terms],
            _("messages"): [t.recent for t in found.terms],
            _("people"): [t.authors for t in found.terms],
            _("since"): [
                components.local_text(hour_start(t.first_hour), filters.timezone)
                for t in found.terms
            ],
            _("for example"): [found.samples[t.term][0] for t in found.terms],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="emerging")
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    term = left.selectbox(_("Term"), [t.term for t in found.terms], key="emerging-term")
    if right.button(_("Make it a topic"), key="emerging-make-topic"):
        field = "phrases" if " " in term else "keywords"
        prefill_new_topic(st.session_state, term, **{field: (term,)})
        st.switch_page(TOPICS_PAGE)


def counted_kind(place) -> str | None:
    """The kind of message the heat counts (None: every message), picked in `place`."""
    kinds = [kind for kind in components.KIND_LABELS if kind != "other"]
    labels = {None: _("All messages")} | {kind: components.kind_label(kind) for kind in kinds}
    return place.selectbox(
        _("Messages counted"),
        list(labels),
        format_func=labels.get,  # worded in this run's language
        key="heat_kind",
        help=_(
            "Count only one kind of message: which topics bring bug reports, questions or "
            "complaints. The rising chart below counts the same kind."
        ),
    )


def body() -> None:
    cid, window = filters.community_id, filters.time_range
    emerging_now(cid)
    topics = resources.topics(cid)
    if topics.empty:
        st.info(_("No topics are defined yet: add some on the Topics page."))
        return
    names = dict(zip(topics["id"], topics["name"], strict=True))
    bucket = bucket_for(window)
    edges = bucket_edges(window.start, window.end, bucket, filters.timezone)
    current = resources.topic_sums(cid, edges, filters.channel_ids)
    if current.empty:
        st.info(_("No message in this range matches a topic for the chosen channels."))
        return
    left, right = st.columns(2)
    colour_by = left.radio(
        _("Colour by"), [VOLUME, SENTIMENT], horizontal=True, format_func=translator()
    )
    by_volume = colour_by == VOLUME
    kind = counted_kind(right) if by_volume else None
    current = counting_only(current, kind)
    heat = topic_heat(current, names, bucket, filters.timezone)
    if kind is not None and not heat["messages"].any():
        st.caption(
            _("No message of the topics in this range was read as a {kind}.").format(
                kind=components.kind_label(kind)
            )
        )
    heatmap = components.mark_partial_buckets(topic_charts.topic_heatmap(heat, by_volume), bucket)
    st.plotly_chart(components.with_episodes(heatmap, window.start, window.end), width="stretch")

    st.subheader(_("Growth against the previous period, surest rises first"))
    st.caption(
        _(
            "Ranked by how far a topic's rise is beyond chance: from 100 to 199 messages comes "
            "before from 1 to 2, though both doubled. The bar is the growth (orange a rise, "
            "blue a fall), its label the messages now and before."
        )
    )
    before = window.previous()
    previous = counting_only(
        resources.topic_sums(cid, (before.start, before.end), filters.channel_ids), kind
    )
    rising = rising_topics(current, previous, names)
    st.plotly_chart(topic_charts.rising_topics(rising), width="stretch")

    st.subheader(_("Drill down"))
    left, right = st.columns(2)
    topic = left.selectbox(_("Topic"), rising["topic"].tolist())
    periods = sorted(heat.loc[heat["topic"] == topic, "bucket"].unique(), reverse=True)
    period = right.selectbox(
        _(PERIOD[bucket]),
        periods,
        format_func=lambda p: pd.Timestamp(p).strftime("%Y-%m-%d %H:%M"),
    )
    topic_id = int(topics.loc[topics["name"] == topic, "id"].iloc[0])
    local_start = pd.Timestamp(period)
    start = local_start.tz_convert("UTC").to_pydatetime()
    end = (local_start + BUCKET_LENGTH[bucket]).tz_convert("UTC").to_pydatetime()
    kinds = components.kind_picker("topic_message_kinds")
    messages = resources.topic_messages(cid, topic_id, start, end, filters.channel_ids, 100, kinds)
    components.message_table(messages, filters.timezone, key="topic_messages", since=start)
    correction_form(cid, messages, "topic_messages")


if not components.needs_data(filters):
    components.database_guard(body)
