"""A member's profile: their accounts on every platform, their weeks (activity, state,
level, engagement) and their newest messages. Opened from a name on the Members page
(?person=ID), or by searching a name here."""

from __future__ import annotations

import streamlit as st

from dashboard.charts import members as member_charts
from dashboard.i18n import _, number
from dashboard.web import account_reads, actions, auth, components, resources
from dashboard.web.auth import Action
from dashboard.web.member_view import LEVEL_NAMES, PROFILE, STATE_NAMES, worded

filters = components.current_filters()
st.header(_("Member profile"))


def chosen_person(cid: int) -> int | None:
    """The person in the address (?person=ID), else one found by name here."""
    asked = st.query_params.get("person")
    if asked and asked.isdigit():
        return int(asked)
    text = st.text_input(_("Find a member by name or account id"), key="profile-find")
    if not text.strip():
        st.caption(_("Or open one from a name on the Members page."))
        return None
    found = account_reads.find_members(cid, text)
    if found.empty:
        st.info(_("No member's name or id contains that."))
        return None
    labels = {
        int(r.id): f"{r.display_name} ({r.platform} {r.external_id})" for r in found.itertuples()
    }
    return st.selectbox(_("Member"), list(labels), format_func=labels.get, key="profile-who")


def body() -> None:
    cid = filters.community_id
    person = chosen_person(cid)
    if person is None:
        return
    as_of = components.now().replace(minute=0, second=0, microsecond=0)
    zone = resources.settings().timezone
    profile = resources.member_profile(cid, person, zone, as_of)
    if profile is None:
        st.warning(_("There is no member {id} in this community.").format(id=person))
        return
    name = profile.accounts["name"].iloc[0]
    st.subheader(components.plain(name))
    history = profile.history
    if not history.empty:
        latest = history.iloc[-1]
        states, levels = worded(STATE_NAMES), worded(LEVEL_NAMES)
        cols = st.columns(3)
        cols[0].metric(_("Level"), levels.get(latest["level"], latest["level"]))
        cols[1].metric(_("State"), states.get(latest["state"], latest["state"] or "–"))
        cols[2].metric(_("Engagement"), f"{latest['engagement']:.1f}")
    tags_and_notes(cid, person, profile)
    st.markdown("**" + _("Accounts") + "**")
    accounts = profile.accounts.drop(columns=["id"])
    accounts["first_seen"] = components.local_minutes(accounts["first_seen"], filters.timezone)
    st.dataframe(
        accounts.rename(
            columns={
                "platform": _("platform"),
                "source": _("source"),
                "account": _("account id"),
                "name": _("name"),
                "first_seen": _("first seen"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if history.empty:
        st.caption(_("No week of theirs is counted yet (the worker counts complete weeks)."))
    else:
        st.markdown("**" + _("Week by week") + "**")
        st.plotly_chart(member_charts.weeks_of_one(history), width="stretch")
        states, levels = worded(STATE_NAMES), worded(LEVEL_NAMES)
        st.dataframe(
            history[["week", "state", "level", "engagement", "messages", "partners"]]
            .assign(
                state=history["state"].map(lambda s: states.get(s, s)),
                level=history["level"].map(lambda level: levels.get(level, level)),
                engagement=history["engagement"].round(1),  # as the figure above shows it
            )
            .rename(
                columns={
                    "week": _("week"),
                    "state": _("state"),
                    "level": _("level"),
                    "engagement": _("engagement"),
                    "messages": _("messages"),
                    "partners": _("partners"),
                }
            )
            .iloc[::-1],
            hide_index=True,
            width="stretch",
        )
    life_in_the_community(profile)
    st.markdown("**" + _("Newest messages") + "**")
    components.message_table(profile.messages.assign(author=name), filters.timezone, "profile")


def life_in_the_community(profile) -> None:
    """Their last 90 days: where and what they write, their mood, whom they talk with, and
    how their questions were answered."""
    st.subheader(_("Their last 90 days"))
    if profile.channels.empty:
        st.caption(_("No message of theirs in the last 90 days."))
        return
    if profile.since is not None:
        st.caption(
            _(
                "They wrote so much that their newest {count} messages are counted: since {time}."
            ).format(
                count=number(profile.counted),
                time=components.local_text(profile.since, filters.timezone),
            )
        )
    kinds = profile.kinds.assign(kind=profile.kinds["kind"].map(components.kind_label))
    columns = st.columns(3)
    for column, table, what in (
        (columns[0], profile.channels, _("channel")),
        (columns[1], kinds, _("kind")),
        (columns[2], profile.topics, _("topic")),
    ):
        shown = table.set_axis([what, _("messages")], axis=1)
        column.dataframe(shown, hide_index=True, width="stretch")
    if not profile.sentiment.empty:
        st.markdown("**" + _("Sentiment week by week") + "**")
        st.plotly_chart(member_charts.sentiment_of_one(profile.sentiment), width="stretch")
    st.markdown("**" + _("Who they talk with") + "**")
    if profile.partners.empty:
        st.caption(_("No replies to or from anyone else in the last 90 days."))
    else:
        partners = profile.partners
        table = {
            PROFILE: [f"member_profile?person={int(p)}" for p in partners["person"]],
            _("member"): partners["name"].to_numpy(),
            _("they replied to them"): partners["replies_given"].to_numpy(),
            _("replied to them"): partners["replies_received"].to_numpy(),
        }
        link = st.column_config.LinkColumn(_("profile"), display_text=_("open"))
        st.dataframe(table, hide_index=True, width="stretch", column_config={PROFILE: link})
    questions = profile.questions
    st.markdown("**" + _("Their questions") + "**")
    if questions.empty:
        st.caption(_("No question of theirs in the last 90 days."))
        return
    answered = questions["answered_after"].notna()
    st.caption(
        _("{answered} of {asked} answered; median wait for a first answer: {median}.").format(
            answered=int(answered.sum()),
            asked=len(questions),
            median=waited(questions.loc[answered, "answered_after"].median()),
        )
    )
    st.dataframe(
        {
            _("asked"): components.local_minutes(questions["sent_at"], filters.timezone),
            _("channel"): questions["channel"].to_numpy(),
            _("question"): questions["text"].to_numpy(),
            _("first answer after"): questions["answered_after"].map(waited).to_numpy(),
        },
        hide_index=True,
        width="stretch",
    )


def waited(minutes: float) -> str:
    """'12 min', '3.5 h', '2.0 days', or 'no answer yet'."""
    if minutes != minutes:  # NaN
        return _("no answer yet")
    if minutes < 90:
        return _("{n} min").format(n=f"{minutes:.0f}")
    if minutes < 48 * 60:
        return _("{n} h").format(n=f"{minutes / 60:.1f}")
    return _("{n} days").format(n=f"{minutes / 1440:.1f}")


def tags_and_notes(cid: int, person: int, profile) -> None:
    """Staff's tags (segments can select them) and notes; managers and up keep them."""
    st.markdown("**" + _("Tags") + "**")
    if profile.tags:
        st.markdown(" ".join(f":blue-badge[{components.plain(tag)}]" for tag in profile.tags))
    else:
        st.caption(_("No tags yet."))
    if auth.allowed(auth.current_account(), Action.KEEP_MEMBER_NOTES):
        left, right = st.columns(2)
        with left.form("profile-tag", clear_on_submit=True, border=False):
            tag = st.text_input(_("Add a tag"), key="profile-new-tag")
            if st.form_submit_button(_("Add tag")) and actions.tag_member(cid, person, tag):
                st.rerun()
        if profile.tags:
            with right.form("profile-untag", border=False):
                gone = st.selectbox(_("Remove a tag"), profile.tags, key="profile-old-tag")
                removed = st.form_submit_button(_("Remove tag"))
                if removed and actions.untag_member(cid, person, gone):
                    st.rerun()
        with st.form("profile-note", clear_on_submit=True, border=False):
            text = st.text_area(
                _("Add a note (staff only; kept in the audit log)"), key="profile-note-text"
            )
            if st.form_submit_button(_("Save note")) and actions.note_member(cid, person, text):
                st.rerun()
    if not profile.notes.empty:
        notes = profile.notes.assign(
            written_at=components.local_minutes(profile.notes["written_at"], filters.timezone)
        )
        st.dataframe(
            notes.rename(
                columns={"written_at": _("written"), "written_by": _("by"), "text": _("note")}
            ),
            hide_index=True,
            width="stretch",
        )


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
