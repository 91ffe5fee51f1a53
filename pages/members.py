"""Bots and staff: mark accounts, and choose whether staff count in sentiment and response
figures. Every change recounts the figures it touches."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import _, ngettext, number
from dashboard.web import account_reads, actions, components

filters = components.current_filters()
st.header(_("Bots and staff"))
st.caption(
    _(
        "Bots are left out of every member count (platform bot flags are taken on import). "
        "Staff are people who answer for the community: they count as members, and can be "
        "left out of sentiment and of the questions the response rate and time are about."
    )
)


def progress_bar(text: str):
    bar = st.progress(0.0, text=text)
    return lambda done, total: bar.progress(done / total if total else 1.0, text=text)


def exclusion(cid: int) -> None:
    current = account_reads.excludes_staff(cid)
    wanted = st.toggle(_("Leave staff out of sentiment and response figures"), value=current)
    if wanted != current and actions.set_exclude_staff(
        cid, wanted, progress_bar(_("Recounting the figures…"))
    ):
        st.success(_("Saved; every figure is recounted."))


def editor(table, key: str):
    return st.data_editor(
        table,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=[c for c in table.columns if c not in ("is_bot", "is_staff")],
        column_config={
            "id": None,
            "external_id": _("account id"),
            "display_name": _("name"),
            "is_bot": st.column_config.CheckboxColumn(_("bot")),
            "is_staff": st.column_config.CheckboxColumn(_("staff")),
        },
    )


def save(cid: int, before, after) -> None:
    changed = after[
        (after["is_bot"] != before["is_bot"]) | (after["is_staff"] != before["is_staff"])
    ]
    if changed.empty:
        st.info(_("Nothing changed."))
        return
    flags = {int(r.id): (bool(r.is_bot), bool(r.is_staff)) for r in changed.itertuples(index=False)}
    if actions.set_member_flags(cid, flags, progress_bar(_("Recounting the hours they wrote in…"))):
        st.success(
            ngettext("Saved {count} account.", "Saved {count} accounts.", len(flags)).format(
                count=number(len(flags))
            )
        )


def body() -> None:
    cid = filters.community_id
    exclusion(cid)
    marked = account_reads.flagged_members(cid)
    st.subheader(_("Marked now: {count}").format(count=number(len(marked))))
    if marked.empty:
        st.caption(_("No account is marked as a bot or staff yet."))
    else:
        edited = editor(marked, "marked")
        if st.button(_("Save changes"), key="save-marked"):
            save(cid, marked, edited)
    st.subheader(_("Find an account"))
    text = st.text_input(
        _("Name or account id contains"), placeholder=_("bob, @support, U024BE7LH")
    )
    if not text.strip():
        return
    found = account_reads.find_members(cid, text)
    if found.empty:
        st.info(_("No account matches."))
        return
    edited = editor(found, "found")
    if st.button(_("Save changes"), key="save-found"):
        save(cid, found, edited)


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
