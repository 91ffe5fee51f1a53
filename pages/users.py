"""Users (admins): who has an account, with which role; add, reset, remove."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import N_, _
from dashboard.web import account_reads, actions, components
from dashboard.web.actions import Role

st.header(_("Users"))
st.caption(
    _(
        "Roles: executive (overview), manager (every monitoring page; acknowledges and "
        "silences alerts), analyst (also edits topics and alert rules), admin (also users and "
        "the audit log). A reset password must be changed at the next sign-in."
    )
)
ROLE_NAMES = {
    Role.EXECUTIVE: N_("executive"),
    Role.MANAGER: N_("manager"),
    Role.ANALYST: N_("analyst"),
    Role.ADMIN: N_("admin"),
}


def accounts_table(users) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                _("name"): u.name,
                _("role"): _(ROLE_NAMES[u.role]),
                _("must change password"): u.must_change_password,
            }
            for u in users
        ]
    )


def body() -> None:
    table = st.empty()  # drawn last, so that a change made below shows at once
    users = account_reads.users()
    add, reset, remove = st.tabs([_("Add"), _("Reset password"), _("Remove")])
    with add, st.form("add_user", clear_on_submit=True):
        name = st.text_input(_("User name"))
        roles = {role: _(ROLE_NAMES[role]) for role in Role}
        role = st.selectbox(_("Role"), list(roles), format_func=roles.get)
        password = st.text_input(_("One-time password (at least 10 characters)"), type="password")
        if st.form_submit_button(_("Add user")) and actions.add_user(name, role, password):
            st.success(components.plain(_("Added {name}.").format(name=name.strip().lower())))
    with reset, st.form("reset_password", clear_on_submit=True):
        who = st.selectbox(_("User"), [u.name for u in users], key="reset_who")
        password = st.text_input(_("One-time password"), type="password")
        if st.form_submit_button(_("Reset password")) and actions.reset_password(who, password):
            st.success(components.plain(_("Reset the password of {name}.").format(name=who)))
    with remove, st.form("remove_user"):
        who = st.selectbox(_("User"), [u.name for u in users], key="remove_who")
        if st.form_submit_button(_("Remove user")) and actions.remove_user(who):
            st.success(components.plain(_("Removed {name}.").format(name=who)))
    table.dataframe(accounts_table(account_reads.users()), hide_index=True, width="stretch")


components.database_guard(body)
