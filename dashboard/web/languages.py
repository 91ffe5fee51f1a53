"""The viewer's interface language: the one their account saved, else their browser's
(`st.context.locale`); chosen in the sidebar and saved with the account."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _
from dashboard.web import resources
from data_access import accounts

LANGUAGE_KEY = "ecg_language"
FOLLOW_BROWSER = ""


def install() -> None:
    """Let `_()` read the language of the page view being drawn."""
    i18n.set_resolver(viewer_language)


def viewer_language() -> str | None:
    try:
        return st.session_state.get(LANGUAGE_KEY) or st.context.locale
    except Exception:  # noqa: BLE001 (outside a page view: no session, no browser)
        return None


def adopt(account) -> None:
    """The account's saved language, once per session (the picker may change it later)."""
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = account.language or FOLLOW_BROWSER


def picker(account) -> None:
    """A language choice in the sidebar, saved with the account when it changes."""
    options = [FOLLOW_BROWSER, *i18n.LANGUAGES]
    labels = {FOLLOW_BROWSER: _("As the browser"), **i18n.LANGUAGES}
    chosen = st.sidebar.selectbox(
        "Language / 语言",
        options,
        index=options.index(st.session_state.get(LANGUAGE_KEY) or FOLLOW_BROWSER),
        format_func=labels.get,
        key="language_picker",
    )
    if chosen != (st.session_state.get(LANGUAGE_KEY) or FOLLOW_BROWSER):
        st.session_state[LANGUAGE_KEY] = chosen
        accounts.set_language(resources.engine(), account.name, chosen or None)
        _reworded(WORDED_CHOICES)
        st.rerun()


# the sidebar's choices whose shown value is a word of the interface ("Last 7 days")
WORDED_CHOICES = ("preset", "platform")


def _reworded(keys: tuple[str, ...]) -> None:
    """Hand each choice back to its widget: the browser then shows it in the new language
    (it kept the label it was first sent, "Last 7 days" under 时间范围, until a reload).
    The picker runs before those widgets, so they may still be given a value."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
