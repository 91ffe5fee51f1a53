"""Users (admins): who has an account, with which role; add, reset, remove."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.web import account_reads, actions, components
from dashboard.web.actions import Role

st.header("Users")
st.caption(
    "Roles: executive (overview), manager (every monitoring page; acknowledges and silences "
    "alerts), analyst (also edits topics and alert rules), admin (also users and the audit "
    "log). A reset password must be changed at the next sign-in."
)


def body() -> None:
    users = account_reads.users()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "name": u.name,
                    "role": u.role.value,
                    "must change password": u.must_change_password,
                }
                for u in users
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    add, reset, remove = st.tabs(["Add", "Reset password", "Remove"])
    with add, st.form("add_user", clear_on_submit=True):
        name = st.text_input("User name")
        role = st.selectbox("Role", [r.value for r in Role])
        password = st.text_input("One-time password (at least 10 characters)", type="password")
        if st.form_submit_button("Add user") and actions.add_user(name, Role(role), password):
            st.success(components.plain(f"Added {name.strip().lower()}."))
    with reset, st.form("reset_password", clear_on_submit=True):
        who = st.selectbox("User", [u.name for u in users], key="reset_who")
        password = st.text_input("One-time password", type="password")
        if st.form_submit_button("Reset password") and actions.reset_password(who, password):
            st.success(components.plain(f"Reset the password of {who}."))
    with remove, st.form("remove_user"):
        who = st.selectbox("User", [u.name for u in users], key="remove_who")
        if st.form_submit_button("Remove user") and actions.remove_user(who):
            st.success(components.plain(f"Removed {who}."))


components.database_guard(body)
