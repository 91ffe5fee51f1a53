"""Signing in and out, idle expiry, and the pages each role may open.

The lock itself is in the functions that change things (they take the acting
user); this module decides what a signed-in person sees.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from access.permissions import Action, may
from access.sso import role_for_email
from dashboard.i18n import N_, _
from dashboard.web import resources, session_cookie
from dashboard.web.components import plain
from data_access import accounts, web_sessions
from data_access.accounts import Account, AccountError, LoginRefused

ACCOUNT_KEY = "ecg_account"
LAST_SEEN_KEY = "ecg_last_seen"
ASKED_KEY = "ecg_asked_path"


def now() -> datetime:
    return datetime.now(UTC)


def sso_roles() -> dict[str, str]:
    """The `[sso_roles]` mapping when single sign-on is configured (`[auth]` in secrets)."""
    secrets = resources.secrets()
    if "auth" not in secrets or not secrets.get("sso_roles"):
        return {}
    return dict(secrets["sso_roles"])


def sso_account() -> Account | None:
    """The account of someone signed in through the identity provider, by their e-mail."""
    mapping = sso_roles()
    if not mapping or not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    role = role_for_email(email, mapping)
    if role is None:
        st.error(
            plain(
                f"{email} may not use this dashboard: ask an admin to add your "
                "address to [sso_roles]."
            )
        )
        if st.button("Sign out of single sign-on"):
            st.logout()
        st.stop()
    return Account(str(email).lower(), role, must_change_password=False)


def current_account() -> Account | None:
    """The signed-in account: through single sign-on, or a local account re-read from the
    database (a removed user is signed out), None after `session_idle_minutes` idle."""
    via_sso = sso_account()
    if via_sso is not None:
        return via_sso
    name = st.session_state.get(ACCOUNT_KEY)
    last_seen = st.session_state.get(LAST_SEEN_KEY)
    idle = timedelta(minutes=resources.settings().session_idle_minutes)
    if name is None:  # a new tab, a reload, a bookmark: the cookie may sign it in
        name, last_seen = _name_from_cookie(idle), now()
    if name is None or last_seen is None or now() - last_seen > idle:
        sign_out(expired=name is not None)
        return None
    account = accounts.find(resources.engine(), name)
    if account is None:
        sign_out()
        return None
    st.session_state[LAST_SEEN_KEY] = now()
    return account


def session_expired() -> bool:
    """For parts that redraw by themselves (the Live fragment): has this local session been
    idle too long? Redrawing is not activity, so it does not count as a page view."""
    last_seen = st.session_state.get(LAST_SEEN_KEY)
    if st.session_state.get(ACCOUNT_KEY) is None or last_seen is None:
        return False  # single sign-on, or already signed out
    return now() - last_seen > timedelta(minutes=resources.settings().session_idle_minutes)


def _cookie_token() -> str | None:
    token = st.context.cookies.get(session_cookie.COOKIE)
    return token if isinstance(token, str) and token else None  # AppTest gives a mock


def _name_from_cookie(idle: timedelta) -> str | None:
    token = _cookie_token()
    if token is None:
        return None
    with resources.engine().begin() as conn:
        return web_sessions.user_of(conn, token, now(), idle)


def sign_in(account: Account, next_path: str | None = None) -> None:
    """This tab is signed in; served with the cookie routes, the browser is sent to trade a
    one-time grant for the cookie, and comes back to `next_path` (default: this page)."""
    st.session_state[ACCOUNT_KEY] = account.name
    st.session_state[LAST_SEEN_KEY] = now()
    if session_cookie.served_with_routes:
        with resources.engine().begin() as conn:
            grant = web_sessions.new_grant(conn, account.name, now())
        here = next_path or session_cookie.path_of(st.context.url)
        _go_to(session_cookie.grant_url(grant, here))


def asked_path() -> str:
    """The page this tab asked for before the forced password change (kept from the first
    view of that change, when the address was still the page's)."""
    if ASKED_KEY not in st.session_state:
        url = st.context.url
        st.session_state[ASKED_KEY] = session_cookie.path_of(url if isinstance(url, str) else "/")
    return st.session_state[ASKED_KEY]


def sign_out(expired: bool = False) -> None:
    for key in (ACCOUNT_KEY, LAST_SEEN_KEY):
        st.session_state.pop(key, None)
    if expired:
        st.session_state["ecg_expired"] = True
    token = _cookie_token()
    if token:  # the cookie no longer signs anyone in; the browser drops it
        with resources.engine().begin() as conn:
            web_sessions.end(conn, token)
        if session_cookie.served_with_routes:
            _go_to(session_cookie.SIGNOUT_PATH)


def _go_to(url: str) -> None:
    st.html(session_cookie.navigate_script(url), unsafe_allow_javascript=True)
    st.stop()


def login_page() -> None:
    from dashboard.web.components import database_guard

    database_guard(_login_form)


def page_at(show, url_path: str):
    """`show` again, under another page's address (Streamlit names a page by its function)."""

    def page() -> None:
        show()

    page.__name__ = f"{show.__name__}_at_{url_path}"
    return page


def change_password_page_of(account: Account):
    def new_password() -> None:
        change_password_page(account)

    return new_password


def _login_form() -> None:
    st.header("Community ECG")
    if st.session_state.pop("ecg_expired", False):
        st.info(_("Your session ended after a while without activity. Please sign in again."))
    with st.form("login"):
        name = st.text_input(_("User name"))
        password = st.text_input(_("Password"), type="password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        try:
            account = accounts.authenticate(
                resources.engine(), name, password, now(), client_address()
            )
        except LoginRefused as refused:
            st.error(_("Not signed in: {reason}.").format(reason=refused))
            return
        sign_in(account)
        st.rerun()
    if sso_roles():
        st.button(_("Sign in with single sign-on"), on_click=st.login)
    st.caption(_("No account yet? An admin adds one with `ecg users add NAME --role ROLE`."))


def client_address() -> str:
    """The viewer's address, which wrong passwords are counted by ("unknown" without one)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "unknown"


def change_password_page(account: Account) -> None:
    asked = asked_path()
    st.header(_("Choose a new password"))
    st.info(_("This account has a one-time password. Choose your own to go on."))
    with st.form("new_password"):
        first = st.text_input(_("New password"), type="password")
        second = st.text_input(_("The same again"), type="password")
        submitted = st.form_submit_button(_("Save"), type="primary")
    if submitted:
        if first != second:
            st.error(_("The two passwords differ."))
            return
        try:
            accounts.set_password(resources.engine(), account.actor, account.name, first, now())
        except AccountError as error:
            st.error(_("Not saved: {reason}.").format(reason=error))
            return
        # the change ended every session of this user: this browser gets a new one, on
        # the page it asked for
        sign_in(account, asked)
        st.rerun()


ROLE_NAMES = {  # the roles as the interface names them
    "executive": N_("executive"),
    "manager": N_("manager"),
    "analyst": N_("analyst"),
    "admin": N_("admin"),
}


def account_box(account: Account) -> None:
    st.sidebar.caption(
        _("Signed in as **{name}** ({role})").format(
            name=account.name, role=_(ROLE_NAMES[account.role.value])
        )
    )
    if st.sidebar.button(_("Sign out")):
        if ACCOUNT_KEY not in st.session_state and sso_roles():
            st.logout()
        sign_out()
        st.rerun()


def denied(title: str, account: Account, action: Action):
    """A stand-in for a page this role may not open: says so, shows nothing else."""

    def page() -> None:
        st.header(title)
        st.error(
            _("Your role ({role}) cannot open this page: it is for those who may {action}.").format(
                role=_(ROLE_NAMES[account.role.value]), action=action.value
            )
        )

    page.__name__ = f"denied_{title.lower().replace(' ', '_')}"
    return page


def allowed(account: Account, action: Action) -> bool:
    return may(account.actor, action)
