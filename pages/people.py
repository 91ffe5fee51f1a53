"""People: accounts on several platforms that look like one person. Confirm or reject each
suggestion; confirmed merges count the person once in member figures, and can be undone."""

from __future__ import annotations

import streamlit as st

from dashboard.web import actions, components, resources

SHOWN = 30

filters = components.current_filters()
st.header("People")
st.caption(
    "Suggested matches between accounts on different platforms: the same e-mail, the same "
    "handle, or very similar names, each with its score and evidence. Nothing is merged until "
    "you confirm it; a merge can be undone. Member figures (active, new, returning) count a "
    "merged person once."
)


def suggestions(cid: int, names: dict) -> None:
    found = resources.identity_suggestions(cid)
    least = st.slider("Show suggestions scoring at least", 0.5, 1.0, 0.6, 0.05)
    found = [s for s in found if s.score >= least]
    st.subheader(f"Suggestions: {len(found)}")
    if not found:
        st.caption("No suggestion at this score.")
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
        st.caption(f"The {SHOWN} best are shown; decide on them to see more.")


def merged(cid: int) -> None:
    done = resources.identity_decisions(cid, "confirmed")
    st.subheader(f"Merged: {len(done)}")
    for row in done.to_dict("records"):
        left, right = st.columns([4, 1])
        left.text(
            f"{row['account']} ({row['account id']}) counts as {row['person']}; "
            f"by {row['decided_by']}"
        )
        if right.button("Undo", key=f"undo-{row['id']}"):
            _then_redraw(actions.undo_identity(int(row["id"])))


def body() -> None:
    cid = filters.community_id
    suggestions(cid, resources.account_names(cid))
    merged(cid)


def _then_redraw(done) -> None:
    if done:
        st.rerun()


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
