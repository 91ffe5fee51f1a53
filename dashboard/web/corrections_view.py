"""The form under a drill-down that corrects how one of its messages was read (its kind,
its sentiment label, a topic it is or is not in), for those allowed to
(dashboard/changes/corrections.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.permissions import Action
from dashboard.i18n import N_, _, shortened
from dashboard.web import actions, auth, components, resources

LABELS = {"positive": N_("positive"), "neutral": N_("neutral"), "negative": N_("negative")}
FIELDS = {"kind": N_("kind"), "sentiment": N_("sentiment label"), "topic": N_("topic")}
IN_TOPIC = {"in": N_("in this topic"), "out": N_("not in this topic")}
FLASH_KEY = "correction-saved"


def correction_form(community_id: int, messages: pd.DataFrame, key: str) -> None:
    if messages.empty or not auth.allowed(auth.current_account(), Action.CORRECT_MESSAGES):
        return
    with st.expander(_("Correct how a message was read")):
        st.caption(
            _(
                "A corrected kind or sentiment label replaces the one read, counts in every "
                "figure at once, is marked ✎ in the tables and is kept in the audit log."
            )
        )
        shown = {
            int(row.id): f"{row.author}: {shortened(str(row.text), 80)}"
            for row in messages.itertuples()
        }
        message = st.selectbox(
            _("Message"), list(shown), format_func=shown.get, key=f"{key}-fix-message"
        )
        # options are the shown labels, mapped back: a widget's value stays the text the
        # viewer sees, in any language
        fields = {_(shown_as): field for field, shown_as in FIELDS.items()}
        field = fields[st.selectbox(_("What"), list(fields), key=f"{key}-fix-field")]
        if field == "kind":
            values = {components.kind_label(kind): kind for kind in components.KIND_LABELS}
        elif field == "sentiment":
            values = {_(shown_as): label for label, shown_as in LABELS.items()}
        else:
            topics = resources.topics(community_id)
            if topics.empty:
                st.caption(_("There are no topics yet."))
                return
            names = dict(zip(topics["name"], topics["id"], strict=True))
            field = f"topic:{names[st.selectbox(_('Topic'), list(names), key=f'{key}-fix-topic')]}"
            values = {_(shown_as): place for place, shown_as in IN_TOPIC.items()}
        shown_value = st.selectbox(_("Correct value"), list(values), key=f"{key}-fix-value")
        value = values[shown_value]
        saved = st.button(_("Save the correction"), key=f"{key}-fix-save")
        if saved and actions.correct_message(community_id, message, field, value):
            counted = _("Corrected: the figures now count it as {value}.")
            st.session_state[FLASH_KEY] = counted.format(value=shown_value)
            st.rerun()  # the page's figures and tables, drawn above, with the correction
        if FLASH_KEY in st.session_state:
            st.success(st.session_state.pop(FLASH_KEY))
