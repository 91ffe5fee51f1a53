"""People: accounts on several platforms that look like one person. Filter and sort the
suggestions, confirm or reject each, or confirm every one shown in one batch after a
preview; confirmed merges count the person once in member figures, and can be undone one
by one or a whole batch at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.web import account_reads, actions, auth, components
from dashboard.web.auth import Action

SHOWN = 30
MERGES_LISTED = 100
SORTS = {
    "best score first": lambda s, names: (-s.score, names[s.first].lower()),
    "by name": lambda s, names: (names[s.first].lower(), -s.score),
}

filters = components.current_filters()
st.header("People")
st.caption(
    "Suggested matches between accounts on different platforms: the same e-mail, the same "
    "handle, very similar names, or a Chinese name and its pinyin, each with its score and "
    "evidence. Nothing is merged until you confirm it; a merge can be undone. Member figures "
    "(active, new, returning) count a merged person once. Admins forget a member at the foot."
)


def chosen(cid: int, names: dict) -> list:
    """The open suggestions the filters keep, in the chosen order."""
    found = account_reads.identity_suggestions(cid)
    least, contains, order = st.columns([2, 2, 1])
    lowest = least.slider("Show suggestions scoring at least", 0.5, 1.0, 0.6, 0.05)
    text = contains.text_input("Name or account contains", placeholder="ana, slack").lower()
    sort = order.selectbox("Order", list(SORTS))
    kept = [
        s
        for s in found
        if s.score >= lowest
        and (not text or text in names[s.first].lower() or text in names[s.second].lower())
    ]
    return sorted(kept, key=lambda s: SORTS[sort](s, names))


def bulk_confirm(cid: int, found: list, names: dict) -> None:
    """All the suggestions shown, merged in one batch after a look at what will merge."""
    with st.expander(f"Confirm all {len(found)} shown in one batch"):
        preview = pd.DataFrame(
            {
                "account": [names[s.first] for s in found],
                "counts as one person with": [names[s.second] for s in found],
                "score": [round(s.score, 2) for s in found],
                "evidence": ["; ".join(s.evidence) for s in found],
            }
        )
        st.dataframe(preview, hide_index=True, width="stretch")
        st.caption("The batch can be undone as a whole below, under Batches.")
        if st.button(f"Merge these {len(found)} pairs", type="primary"):
            _then_redraw(actions.confirm_identities(cid, found))


def suggestions(cid: int, names: dict) -> None:
    found = chosen(cid, names)
    st.subheader(f"Suggestions: {len(found)}")
    if not found:
        st.caption("No suggestion at this score and filter.")
        return
    bulk_confirm(cid, found, names)
    for s in found[:SHOWN]:
        with st.container(border=True):
            left, right = st.columns([4, 1])
            left.markdown(
                f"**{components.plain(names[s.first])}** and "
                f"**{components.plain(names[s.second])}**, score {s.score:.2f}"
            )
            for why in s.evidence:
                left.text(f"• {why}")
            if right.button("Confirm", key=f"yes-{s.first}-{s.second}", type="primary"):
                _then_redraw(actions.decide_identity(cid, s, True))
            if right.button("Reject", key=f"no-{s.first}-{s.second}"):
                _then_redraw(actions.decide_identity(cid, s, False))
    if len(found) > SHOWN:
        st.caption(f"The first {SHOWN} are shown one by one; the batch above holds them all.")


def batches(cid: int) -> None:
    done = account_reads.identity_batches(cid)
    if done.empty:
        return
    st.subheader(f"Batches: {len(done)}")
    for row in done.to_dict("records"):
        left, right = st.columns([4, 1])
        when = components.local_text(row["decided_at"], filters.timezone)
        left.text(f"{row['batch']}: {row['merges']} merges by {row['decided_by']}, {when}")
        if right.button("Undo batch", key=f"undo-batch-{row['batch']}"):
            _then_redraw(actions.undo_identity_batch(row["batch"]))


def merged(cid: int) -> None:
    done = account_reads.identity_decisions(cid, "confirmed")
    st.subheader(f"Merged: {len(done)}")
    if len(done) > MERGES_LISTED:
        st.caption(f"The newest {MERGES_LISTED}; a whole batch is undone under Batches.")
    for row in done.head(MERGES_LISTED).to_dict("records"):
        left, right = st.columns([4, 1])
        left.text(
            f"{row['account']} ({row['account id']}) counts as {row['person']}; "
            f"by {row['decided_by']}"
        )
        if right.button("Undo", key=f"undo-{row['id']}"):
            _then_redraw(actions.undo_identity(int(row["id"])))


def forgetting(cid: int) -> None:
    """Admins: forget one member for good, the way to honour a deletion request."""
    with st.expander("Forget a member (a deletion request)"):
        st.caption(
            "Forgets the member and every account merged with it: empties their texts, "
            "replaces their names, handles and e-mails, removes the identity decisions about "
            "them. Their anonymous counts stay, so past weeks' figures do not change. "
            "Audited without the name. Cannot be undone."
        )
        text = st.text_input("Name or account id", key="forget-find")
        found = account_reads.find_members(cid, text) if text.strip() else pd.DataFrame()
        if found.empty:
            if text.strip():
                st.info("No member's name or id contains that.")
            return
        labels = {
            int(r.id): f"{r.display_name} ({r.platform} {r.external_id}, {r.messages} messages)"
            for r in found.itertuples()
        }
        member = st.selectbox("Member", list(labels), format_func=labels.get, key="forget-who")
        sure = st.checkbox(f"Forget {labels[member]} for good", key="forget-sure")
        if st.button("Forget", disabled=not sure, key="forget-go"):
            done = actions.forget_member(cid, member)
            if done:
                st.success(
                    f"Forgotten: {len(done.result.member_ids)} account(s), "
                    f"{done.result.texts} texts emptied, "
                    f"{done.result.decisions} identity decisions removed."
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
