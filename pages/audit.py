"""Audit log (admins): every change, who made it, when, before and after."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboard.i18n import _, number
from dashboard.web import components, resources

MAX_ROWS = 300
filters = components.current_filters()
st.header(_("Audit log"))
st.caption(
    _(
        "Every change to topics, rules, users, silences and acknowledgements, newest "
        "first. Times in the sidebar's time zone; the sidebar's time range applies."
    )
)


def body() -> None:
    window = filters.time_range
    left, right = st.columns(2)
    actor = left.text_input(_("Only this person"), placeholder=_("anyone"))
    action = right.text_input(_("Only this action"), placeholder=_("any, e.g. topic.save"))
    log = resources.audit_entries(
        window.start, window.end, actor.strip().lower() or None, action.strip() or None
    )
    if log.empty:
        st.info(_("No changes recorded in this range."))
        return
    shown = pd.DataFrame(
        {
            _("when"): pd.to_datetime(log["at"], utc=True)
            .dt.tz_convert(filters.timezone)
            .dt.strftime("%Y-%m-%d %H:%M:%S"),
            _("who"): log["actor"],
            _("what"): log["action"],
            _("target"): log["target"],
            _("before"): log["old_value"].map(_as_text),
            _("after"): log["new_value"].map(_as_text),
        }
    )
    if len(shown) > MAX_ROWS:
        st.caption(
            _("The newest {shown} of {count} changes; narrow the range or filter.").format(
                shown=number(MAX_ROWS), count=number(len(shown))
            )
        )
    st.table(shown.head(MAX_ROWS).set_index(_("when")))  # a table: long values wrap, never cut


def _as_text(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


components.database_guard(body)
