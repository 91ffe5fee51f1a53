"""Signing in, roles in the app, idle expiry, and first sign-in with a one-time password."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from access.permissions import SERVER_SHELL, Role
from dashboard.web.auth import ACCOUNT_KEY, LAST_SEEN_KEY
from data_access import accounts
from data_access.db import make_engine
from tests.pages_fixtures import build_live
from tests.test_pages import APP, PASSWORD, ensure_user

MONITORING = {
    "Live",
    "Sentiment",
    "Topic heat",
    "Forecasts",
    "Alerts",
    "Members",
    "Member profile",
    "Segments",
}
REPORTS = {"Weekly report", "Overview"}
CONFIGURE = {"Topics", "Thresholds", "Import", "Bots and staff", "People"}


@pytest.fixture
def live_url(database_url) -> str:
    url = database_url
    build_live(url, datetime.now(UTC))
    for role in Role:
        ensure_user(url, role)
    return url


def _app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("ECG_DATABASE_URL", url)
    return AppTest.from_file(APP, default_timeout=60)


def _openable_pages(app: AppTest) -> set[str]:
    """The pages of the run's navigation that open a page file (the others say 'no')."""
    return {info["page_name"] for info in app._registered_pages.values() if info["script_path"]}


def _sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input[0].input(name)
    app.text_input[1].input(password)
    app.button[0].click().run()
    return app


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (Role.EXECUTIVE, REPORTS),
        (Role.MANAGER, {*MONITORING, *REPORTS}),
        (
            Role.ANALYST,
            {*MONITORING, *REPORTS, *CONFIGURE},
        ),
        (Role.ADMIN, {*MONITORING, *REPORTS, *CONFIGURE, "Users", "Audit log"}),
    ],
)
def test_each_role_navigates_to_its_pages_only(monkeypatch, live_url, role, pages):
    app = _app(monkeypatch, live_url)
    _sign_in(app.run(), role.value, PASSWORD)
    assert not app.exception
    assert _openable_pages(app) == pages
    assert app.sidebar.caption[0].value == f"Signed in as **{role.value}** ({role.value})"
    first = "Weekly report" if role is Role.EXECUTIVE else "Live activity"
    assert app.header[0].value == first


def test_wrong_password_shows_an_error_and_no_data(monkeypatch, live_url):
    app = _app(monkeypatch, live_url).run()
    assert app.header[0].value == "Community ECG"
    _sign_in(app, "analyst", "not the password")
    assert app.error[0].value == "Not signed in: wrong name or password."
    assert app.get("plotly_chart") == [] and app.get("metric") == []
    assert ACCOUNT_KEY not in app.session_state


def test_sign_out(monkeypatch, live_url):
    app = _sign_in(_app(monkeypatch, live_url).run(), "manager", PASSWORD)
    app.sidebar.button[0].click().run()
    assert app.header[0].value == "Community ECG"
    assert ACCOUNT_KEY not in app.session_state


def test_an_idle_session_ends(monkeypatch, live_url):
    app = _app(monkeypatch, live_url)
    app.session_state[ACCOUNT_KEY] = "manager"
    app.session_state[LAST_SEEN_KEY] = datetime.now(UTC) - timedelta(minutes=61)
    app.run()
    assert app.header[0].value == "Community ECG"
    assert "Your session ended" in app.info[0].value


def test_a_removed_user_is_signed_out(monkeypatch, live_url):
    app = _sign_in(_app(monkeypatch, live_url).run(), "manager", PASSWORD)
    accounts.remove_user(make_engine(live_url), SERVER_SHELL, "manager", datetime.now(UTC))
    app.run()
    assert app.header[0].value == "Community ECG"


def test_first_sign_in_with_a_one_time_password(monkeypatch, live_url):
    engine = make_engine(live_url)
    accounts.add_user(
        engine,
        SERVER_SHELL,
        "newbie",
        Role.ANALYST,
        "one time password",
        datetime.now(UTC),
        must_change_password=True,
    )
    app = _sign_in(_app(monkeypatch, live_url).run(), "newbie", "one time password")
    assert app.header[0].value == "Choose a new password"
    assert _openable_pages(app) == set()
    app.text_input[0].input("my own password")
    app.text_input[1].input("my own password")
    app.button[0].click().run()
    assert app.header[0].value == "Live activity"
    assert accounts.authenticate(engine, "newbie", "my own password", datetime.now(UTC))


def _expired_script():
    import streamlit as st

    from dashboard.web import auth

    st.text(str(auth.session_expired()))


@pytest.mark.parametrize(("idle_minutes", "expired"), [(59, "False"), (61, "True")])
def test_redrawing_parts_see_an_idle_session_end(monkeypatch, live_url, idle_minutes, expired):
    monkeypatch.setenv("ECG_DATABASE_URL", live_url)
    app = AppTest.from_function(_expired_script)
    app.session_state[ACCOUNT_KEY] = "manager"
    app.session_state[LAST_SEEN_KEY] = datetime.now(UTC) - timedelta(minutes=idle_minutes)
    app.run()
    assert app.text[0].value == expired
