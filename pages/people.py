"""People: accounts on several platforms that look like one person. Filter and sort the
suggestions, confirm or reject each, or confirm every one shown in one batch after a
preview; confirmed merges count the person once in member figures, and can be undone one
by one or a whole batch at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import N_, _, number, translator
from dashboard.i18n.reasons import translated
from dashboard.web import account_reads, actions, auth, components
from dashboard.web.auth import Action

SHOWN = 30
MERGES_LISTED = 100
SORTS = {
    N_("best score first"): lambda s, names: (-s.score, names[s.first].lower()),
    N_("by name"): lambda s, names: (names[s.first].lower(), -s.score),
}

filters = components.current_filters()
st.header(_("People"))
st.caption(
    _(
        "Suggested matches between accounts on different platforms: the same e-mail, the same "
        "handle, very similar names, or a Chinese name and its pinyin, each with its score and "
        "evidence. Nothing is merged until you confirm it; a merge can be undone. Member "
        "figures (active, new, returning) count a merged person once. Admins forget a member "
        "at the foot."
    )
)


def chosen(cid: int, names: dict) -> list:
    """The open suggestions the filters keep, in the chosen order."""
    found = account_reads.identity_suggestions(cid)
    least, contains, order = st.columns([2, 2, 1])
    lowest = least.slider(_("Show suggestions scoring at least"), 0.5, 1.0, 0.6, 0.05)
    text = contains.text_input(_("Name or account contains"), placeholder=_("ana, slack")).lower()
    sort = order.selectbox(_("Order"), list(SORTS), format_func=translator())
    kept = [
        s
        for s in found
        if s.score >= lowest
        and (not text or text in names[s.first].lower() or text in names[s.second].lower())
    ]
    return sorted(kept, key=lambda s: SORTS[sort](s, names))


def bulk_confirm(cid: int, found: list, names: dict) -> None:
    """All the suggestions shown, merged in one batch after a look at what will merge."""
    with st.expander(_("Confirm all {count} shown in one batch").format(count=number(len(found)))):
        preview = pd.DataFrame(
            {
                _("account"): [names[s.first] for s in found],
                _("counts as one person with"): [names[s.second] for s in found],
                _("score"): [round(s.score, 2) for s in found],
                _("evidence"): ["; ".join(map(translated, s.evidence)) for s in found],
            }
        )
        st.dataframe(preview, hide_index=True, width="stretch")
        st.caption(_("The batch can be undone as a whole below, under Batches."))
        merge = _("Merge these {count} pairs").format(count=number(len(found)))
        if st.button(merge, type="primary"):
            _then_redraw(actions.confirm_identities(cid, found))


def suggestions(cid: int, names: dict) -> None:
    found = chosen(cid, names)
    st.subheader(_("Suggestions: {count}").format(count=number(len(found))))
    if not found:
        st.caption(_("No suggestion at this score and filter."))
        return
    bulk_confirm(cid, found, names)
    for s in found[:SHOWN]:
        with st.container(border=True):
            left, right = st.columns([4, 1])
            left.markdown(
                _("**{first}** and **{second}**, score {score}").format(
                    first=components.plain(names[s.first]),
                    second=components.plain(names[s.second]),
                    score=f"{s.score:.2f}",
                )
            )
            for why in s.evidence:
                left.text(f"• {translated(why)}")
            if right.button(_("Confirm"), key=f"yes-{s.first}-{s.second}", type="primary"):
                _then_redraw(actions.decide_identity(cid, s, True))
            if right.button(_("Reject"), key=f"no-{s.first}-{s.second}"):
                _then_redraw(actions.decide_identity(cid, s, False))
    if len(found) > SHOWN:
        st.caption(
            _("The first {count} are shown one by one; the batch above holds them all.").format(
                count=SHOWN
            )
        )


def batches(cid: int) -> None:
    done = account_reads.identity_batches(cid)
    if done.empty:
        return
    st.subheader(_("Batches: {count}").format(count=number(len(done))))
    for row in done.to_dict("records"):
        left, right = st.columns([4, 1])
        when = components.local_text(row["decided_at"], filters.timezone)
        left.text(
            _("{batch}: {merges} merges by {who}, {when}").format(
                batch=row["batch"], merges=row["merges"], who=row["decided_by"], when=when
            )
        )
        if right.button(_("Undo batch"), key=f"undo-batch-{row['batch']}"):
            _then_redraw(actions.undo_identity_batch(row["batch"]))


def merged(cid: int) -> None:
    done = account_reads.identity_decisions(cid, "confirmed")
    st.subheader(_("Merged: {count}").format(count=number(len(done))))
    if len(done) > MERGES_LISTED:
        st.caption(
            _("The newest {count}; a whole batch is undone under Batches.").format(
                count=MERGES_LISTED
            )
        )
    for row in done.head(MERGES_LISTED).to_dict("records"):
        left, right = st.columns([4, 1])
        left.text(
            _("{account} ({id}) counts as {person}; by {who}").format(
                account=row["account"],
                id=row["account id"],
                person=row["person"],
                who=row["decided_by"],
            )
        )
        if right.button(_("Undo"), key=f"undo-{row['id']}"):
            _then_redraw(actions.undo_identity(int(row["id"])))


def forgetting(cid: int) -> None:
    """Admins: forget one member for good, the way to honour a deletion request."""
    with st.expander(_("Forget a member (a deletion request)")):
        st.caption(
            _(
                "Forgets the member and every account merged with it: empties their texts, "
                "replaces their names, handles and e-mails, removes the identity decisions "
                "about them. Their anonymous counts stay, so past weeks' figures do not "
                "change. Audited without the name. Cannot be undone."
            )
        )
        text = st.text_input(_("Name or account id"), key="forget-find")
        found = account_reads.find_members(cid, text) if text.strip() else pd.DataFrame()
        if found.empty:
            if text.strip():
                st.info(_("No member's name or id contains that."))
            return
        labels = {
            int(r.id): _("{name} ({platform} {id}, {count} messages)").format(
                name=r.display_name, platform=r.platform, id=r.external_id, count=r.messages
            )
            for r in found.itertuples()
        }
        member = st.selectbox(_("Member"), list(labels), format_func=labels.get, key="forget-who")
        sure = st.checkbox(
            _("Forget {member} for good").format(member=labels[member]), key="forget-sure"
        )
        if st.button(_("Forget"), disabled=not sure, key="forget-go"):
            done = actions.forget_member(cid, member)
            if done:
                st.success(
                    _(
                        "Forgotten: {accounts} account(s), {texts} texts emptied, {decisions} "
                        "identity decisions and {notes} tags or notes removed."
                    ).format(
                        accounts=len(done.result.member_ids),
                        texts=done.result.texts,
                        decisions=done.result.decisions,
                        notes=done.result.notes,
                    )
                )


def body() -> None:
    cid = filters.community_id
    suggestions(cid, account_reads.account_names(cid))
    batches(cid)
    merged(cid)
    if auth.allowed(auth.current_account(), Action.MANAGE_USERS):
        forgetting(cid)


def _then_redraw(done) -> None:
    if done:
        st.rerun()


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
