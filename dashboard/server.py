"""The app as `ecg run` serves it: dashboard/app.py, plus the routes of the sign-in cookie
(dashboard/web/session_cookie.py). `streamlit run dashboard/server.py` serves it alone."""

from pathlib import Path

import streamlit as st

from dashboard.web import session_cookie

session_cookie.served_with_routes = True
app = st.App(Path(__file__).resolve().parent / "app.py", routes=session_cookie.routes())
