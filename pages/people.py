"""People: accounts on several platforms that look like one person. Confirm or reject each
suggestion; confirmed merges count the person once in member figures, and can be undone."""

from __future__ import annotations

import streamlit as st

from access.permissions import PermissionDenied
from analysis.identity import suggest
from dashboard.web import auth, components, resources
from data_access import identities

SHOWN = 30

filters = components.current_filters()
st.header("People")
st.caption(
    "Suggested matches between accounts on different platforms: the same e-mail, the same "
    "handle, or very similar names, each with its score and evidence. Nothing is merged until "
    "you confirm it; a merge can be undone. Member figures (active, new, returning) count a "
    "merged person once."
)


def act(change, *args) -> None:
    """Make the change as the signed-in user, then draw the page again."""
    try:
        change(resources.engine(), *args, actor=auth.current_account().actor, now=auth.now())
    except PermissionDenied as error:
        st.error(components.plain(f"Not done: {error}."))
        return
    resources.clear()
    st.rerun()


def suggestions(cid: int, names: dict) -> None:
    with resources.engine().connect() as conn:
        found = suggest(identities.accounts(conn, cid), identities.decided_pairs(conn, cid))
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
                act(identities.decide, cid, s, True)
            if right.button("Reject", key=f"no-{s.first}-{s.second}"):
                act(identities.decide, cid, s, False)
    if len(found) > SHOWN:
        st.caption(f"The {SHOWN} best are shown; decide on them to see more.")


def merged(cid: int) -> None:
    with resources.engine().connect() as conn:
        done = identities.decisions(conn, cid, "confirmed")
    st.subheader(f"Merged: {len(done)}")
    for row in done.itertuples():
        left, right = st.columns([4, 1])
        left.text(f"{row.account} ({row[4]}) counts as {row.person}; by {row.decided_by}")
        if right.button("Undo", key=f"undo-{row.id}"):
            act(identities.undo, int(row.id))


def body() -> None:
    cid = filters.community_id
    with resources.engine().connect() as conn:
        accounts = identities.accounts(conn, cid)
    names = {a.id: f"{a.display_name} ({a.platform} {a.external_id})" for a in accounts}
    suggestions(cid, names)
    merged(cid)


if filters.community_id is None:
    components.needs_data(filters)
else:
    components.database_guard(body)
