"""Sentiment over time, per channel; its distribution; the most negative messages."""

from __future__ import annotations

import streamlit as st

from dashboard.charts import sentiment as sentiment_charts
from dashboard.i18n import N_, _, number, percent
from dashboard.web import components, resources
from dashboard.web.corrections_view import correction_form
from dashboard.web.timeranges import bucket_for
from dashboard.web.views import (
    bucket_edges,
    kinds_over_time,
    label_distribution,
    sentiment_series,
)

MAX_CHANNEL_LINES = 8
OVER_TIME = {
    "hour": N_("Over time, by hour"),
    "day": N_("Over time, by day"),
    "week": N_("Over time, by week"),
}

filters = components.current_filters()
st.header(_("Sentiment"))
st.caption(
    _(
        "Average compound score (-1 to +1: VADER for English, the Chinese model for Chinese, "
        "on one scale) and the share of negative messages (compound ≤ -0.05) among scored "
        "messages. Messages in other languages are not scored and are counted apart."
    )
)


def headline(series) -> None:
    """The range's average, negative share and how many messages were (not) scored."""
    total = series[series["channel"] == "All channels"]
    scored, unscored = int(total["sentiment_count"].sum()), int(total["unscored_count"].sum())
    messages = int(total["messages"].sum())
    cols = st.columns(4)
    average = total["sentiment_sum"].sum() / scored if scored else None
    negative = total["negative_count"].sum() / scored if scored else None
    cols[0].metric(_("Average sentiment"), "–" if average is None else f"{average:+.3f}")
    cols[1].metric(_("Negative share"), "–" if negative is None else percent(negative, 1))
    cols[2].metric(_("Scored messages"), number(scored))
    cols[3].metric(
        _("Not scored (other languages)"),
        number(unscored),
        help=_("Messages in languages that are not scored; left out of the figures."),
    )
    if unscored:
        st.caption(
            _(
                "{unscored} of {messages} messages ({share}) are in languages that are not "
                "scored and are left out of the averages."
            ).format(
                unscored=number(unscored),
                messages=number(messages),
                share=percent(unscored / messages, 1),
            )
        )


def over_time(series, bucket: str, window) -> None:
    """The whole community and its busiest channels, bucket by bucket."""
    busiest = (
        series[series["channel"] != "All channels"]
        .groupby("channel")["messages"]
        .sum()
        .nlargest(MAX_CHANNEL_LINES)
        .index
    )
    shown = series[series["channel"].isin([*busiest, "All channels"])]
    st.subheader(_(OVER_TIME[bucket]))
    if len(busiest) < series["channel"].nunique() - 1:
        st.caption(
            _(
                "The {count} busiest channels are drawn; pick channels in the sidebar to see "
                "others."
            ).format(count=MAX_CHANNEL_LINES)
        )
    figure = components.mark_partial_buckets(sentiment_charts.sentiment_over_time(shown), bucket)
    st.plotly_chart(components.with_episodes(figure, window.start, window.end), width="stretch")


def kinds_of_message(rollup, bucket: str, window) -> None:
    """How many questions, bug reports, requests, complaints and praise, bucket by bucket."""
    st.subheader(_("Kinds of message"))
    st.caption(
        _(
            "Each message is read for its kind when it arrives: a complaint is a negative "
            "message with a cue of displeasure, praise a positive one with a cue of thanks or "
            "liking (docs/kinds.md). Pick kinds below to list their most negative messages."
        )
    )
    kinds = kinds_over_time(rollup, bucket, filters.timezone)
    names = {kind: components.kind_label(kind) for kind in kinds["kind"].unique()}
    figure = components.mark_partial_buckets(sentiment_charts.kinds_over_time(kinds, names), bucket)
    st.plotly_chart(components.with_episodes(figure, window.start, window.end), width="stretch")


def body() -> None:
    cid, window = filters.community_id, filters.time_range
    bucket = bucket_for(window)
    edges = bucket_edges(window.start, window.end, bucket, filters.timezone)
    rollup = resources.channel_sums(cid, edges, filters.channel_ids)
    if rollup.empty:
        st.info(_("No messages in this range for the chosen platform and channels."))
        return
    series = sentiment_series(rollup, filters.channel_names, bucket, filters.timezone)
    headline(series)
    over_time(series, bucket, window)
    kinds_of_message(rollup, bucket, window)

    st.subheader(_("Distribution by channel"))
    st.plotly_chart(
        sentiment_charts.label_distribution(label_distribution(rollup, filters.channel_names)),
        width="stretch",
    )

    st.subheader(_("Most negative messages in this range"))
    kinds = components.kind_picker("most_negative_kinds")
    worst = resources.most_negative_messages(
        cid, window.start, window.end, filters.channel_ids, 25, kinds
    )
    components.message_table(worst, filters.timezone, key="most_negative", since=window.start)
    correction_form(cid, worst, "most_negative")


if not components.needs_data(filters):
    components.database_guard(body)
