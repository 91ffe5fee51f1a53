"""The Streamlit entry point: page config, shared sidebar, navigation."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from dashboard import components

PAGES = Path(__file__).resolve().parents[1] / "pages"

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
st.set_page_config(page_title="Community ECG", page_icon=":material/monitor_heart:", layout="wide")

navigation = st.navigation(
    {
        "Monitor": [
            st.Page(PAGES / "live.py", title="Live", icon=":material/monitor_heart:", default=True),
            st.Page(PAGES / "sentiment.py", title="Sentiment", icon=":material/mood:"),
            st.Page(
                PAGES / "topic_heat.py", title="Topic heat", icon=":material/local_fire_department:"
            ),
        ],
        "Configure": [
            st.Page(PAGES / "topics.py", title="Topics", icon=":material/sell:"),
        ],
    }
)
if components.database_guard(components.sidebar):
    navigation.run()
