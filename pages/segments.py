"""Segments: saved filters over members (level, state, platform, channel, topic, language,
kind of message, tags, first seen, last active), their people now and their size week by
week; a CSV export for outreach (analysts and admins, audited)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.charts import members as member_charts
from dashboard.i18n import _, number
from dashboard.web import account_reads, actions, auth, components, resources
from dashboard.web.auth import Action
from dashboard.web.member_view import LEVEL_NAMES, LEVELS, PROFILE, STATE_NAMES, worded
from dashboard.web.segment_view import (
    EXPORT_FIELDS,
    KINDS,
    MAX_WITHIN_WEEKS,
    MEMBER_WEEKS_KEPT,
    STATES,
    BadSegment,
    Segment,
)

filters = components.current_filters()
st.header(_("Segments"))
st.caption(
    _(
        "A segment is a saved filter over members: every filter you set must match, and any "
        "one of its chosen values does. It is read on the complete weeks the worker counts "
        "(ISO weeks in {zone}), over the people around that week (with a state). Channels, "
        "topics, languages and kinds count over the last weeks you choose."
    ).format(zone=resources.settings().timezone)
)
NEW = ""  # the selectbox's entry for a new segment
PICK = "segment_pick"  # the segment to show after a save or a delete


def chosen(cid: int) -> tuple[str, Segment]:
    """The saved segment picked (or a new one): its name and filters."""
    saved = resources.saved_segments(cid)
    names = [NEW, *saved]
    if PICK in st.session_state:  # a segment just saved or deleted
        st.session_state["segment_name"] = st.session_state.pop(PICK)
    name = st.selectbox(
        _("Segment"),
        names,
        format_func=lambda n: n or _("New segment"),
        key="segment_name",
    )
    return name, saved.get(name, Segment())


def filter_form(cid: int, name: str, start: Segment) -> Segment | None:
    """The filters, starting from `start`; None while they do not make a segment."""
    key = f"segment_{name}_"
    channels = resources.channels(cid)
    topics = resources.topics(cid)
    states, levels = worded(STATE_NAMES), worded(LEVEL_NAMES)
    kinds = {kind: components.kind_label(kind) for kind in KINDS}
    channel_labels = {str(r.id): f"{r.platform} · {r.name}" for r in channels.itertuples()}
    topic_labels = {str(r.id): r.name for r in topics.itertuples()}
    zone = resources.settings().timezone
    newest = resources.member_weeks(cid, zone, _hour(), (MEMBER_WEEKS_KEPT - 1,))
    languages = sorted({w for words in newest.rows.get("languages", []) for w in words.split()})
    left, right = st.columns(2)

    def chosen(column, label: str, options, picked, name: str, names=None):
        """A multiselect of the segment's `name`; empty ("Any") leaves it open on that."""
        return column.multiselect(
            label,
            options,
            picked,
            format_func=names.get if names else str,
            key=key + name,
            placeholder=_("Any"),
        )

    values = {
        "states": chosen(left, _("States"), list(STATES), start.states, "states", states),
        "levels": chosen(
            right, _("Levels"), [n for n, _least in LEVELS], start.levels, "levels", levels
        ),
        "platforms": chosen(
            left, _("Platforms"), sorted(set(channels["platform"])), start.platforms, "platforms"
        ),
        "tags": chosen(
            right, _("Tags"), sorted({*resources.member_tags(cid), *start.tags}), start.tags, "tags"
        ),
        "channels": chosen(
            left,
            _("Wrote in channels"),
            list(channel_labels),
            [c for c in start.channels if c in channel_labels],
            "channels",
            channel_labels,
        ),
        "topics": chosen(
            right,
            _("Wrote about topics"),
            list(topic_labels),
            [t for t in start.topics if t in topic_labels],
            "topics",
            topic_labels,
        ),
        "languages": chosen(
            left,
            _("Wrote in languages"),
            sorted({*languages, *start.languages}),
            start.languages,
            "languages",
        ),
        "kinds": chosen(
            right, _("Wrote messages of kinds"), list(KINDS), start.kinds, "kinds", kinds
        ),
    }
    values["within_weeks"] = left.number_input(
        _("Channels, topics, languages and kinds: over the last weeks"),
        min_value=1,
        max_value=MAX_WITHIN_WEEKS,
        value=start.within_weeks,
        key=key + "within",
    )
    days = (
        ("first_seen_from", _("First seen on or after")),
        ("first_seen_before", _("First seen before")),
        ("last_active_from", _("Last active in or after the week of")),
        ("last_active_before", _("Last active before the week of")),
    )
    day_columns = st.columns(4)
    for column, (field, label) in zip(day_columns, days, strict=True):
        values[field] = column.date_input(
            label, getattr(start, field), min_value=date(2000, 1, 1), key=key + field
        )
    try:
        return Segment(**values)
    except BadSegment as error:
        st.error(components.plain(str(error)))
        return None


def _hour():
    return components.now().replace(minute=0, second=0, microsecond=0)


def people_table(reading, cid: int) -> None:
    members = reading.members.head(500)
    names = account_reads.account_names(cid, tuple(sorted(members["person"].astype(int))))
    states, levels = worded(STATE_NAMES), worded(LEVEL_NAMES)
    table = {
        PROFILE: [f"member_profile?person={int(p)}" for p in members["person"]],
        _("member"): [names.get(int(p), str(p)) for p in members["person"]],
        _("state"): members["state"].map(states).to_numpy(),
        _("level"): members["level"].map(levels).to_numpy(),
        _("engagement"): members["engagement"].round(1).to_numpy(),
    }
    link = st.column_config.LinkColumn(_("profile"), display_text=_("open"))
    st.dataframe(table, hide_index=True, width="stretch", column_config={PROFILE: link})
    if len(reading.members) > len(members):
        st.caption(_("The 500 most engaged are listed; the export holds everyone."))


def saving(cid: int, name: str, segment: Segment) -> None:
    account = auth.current_account()
    if not auth.allowed(account, Action.KEEP_MEMBER_NOTES):
        return
    left, right = st.columns([3, 1])
    new_name = left.text_input(_("Save as"), value=name, key=f"segment_{name}_save_as")
    saved = right.button(_("Save segment"), key=f"segment_{name}_save")
    if saved and actions.save_segment(cid, new_name, segment):
        st.session_state[PICK] = " ".join(new_name.split())  # shown saved on the next run
        st.rerun()
    deleted = name and right.button(_("Delete segment"), key=f"segment_{name}_delete")
    if deleted and actions.delete_segment(cid, name):
        st.session_state[PICK] = NEW
        st.rerun()


def exporting(cid: int, name: str, segment: Segment) -> None:
    """Analysts and admins: a CSV of the segment's people, made on request and audited."""
    if not auth.allowed(auth.current_account(), Action.EXPORT_MEMBERS):
        st.caption(_("Analysts and admins can export a segment for outreach."))
        return
    st.subheader(_("Export for outreach"))
    st.caption(
        _("The CSV holds, one row per person: {fields}. Each export is in the audit log.").format(
            fields=", ".join(EXPORT_FIELDS)
        )
    )
    label = name or _("unsaved segment")
    if st.button(_("Prepare the CSV"), key="segment_export"):
        done = actions.export_segment(cid, label, segment, resources.settings().timezone)
        if done:
            st.session_state["segment_csv"] = (label, done.result.to_csv(index=False))
    prepared = st.session_state.get("segment_csv")
    if prepared and prepared[0] == label:
        st.download_button(
            _("Download {name}.csv").format(name=label),
            prepared[1],
            file_name=f"{label}.csv",
            mime="text/csv",
            key="segment_download",
        )


def body() -> None:
    cid = filters.community_id
    name, start = chosen(cid)
    with st.expander(_("Filters"), expanded=not name):
        segment = filter_form(cid, name, start)
    if segment is None:
        return
    zone = resources.settings().timezone
    reading = resources.segment_reading(cid, segment, zone, _hour())
    if reading.week is None:
        st.info(
            _(
                "No member weeks yet: the worker counts each complete week (Monday to Sunday) "
                "every 15 minutes; `ecg run` starts it."
            )
        )
        return
    st.metric(
        _("People in the segment in {week}").format(week=reading.week),
        number(len(reading.members)),
    )
    st.plotly_chart(member_charts.segment_sizes(reading.sizes), width="stretch")
    saving(cid, name, segment)
    people_table(reading, cid)
    exporting(cid, name, segment)


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
