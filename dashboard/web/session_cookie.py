"""The sign-in cookie: an HttpOnly cookie that keeps a browser signed in across reloads,
bookmarks and typed addresses. Streamlit's script cannot set a cookie, so the served app
(dashboard/server.py) adds two routes: the sign-in page sends the browser to
/auth/session with a one-time grant, which is traded for the cookie; /auth/signout
clears it. Served as plain `streamlit run dashboard/app.py` (no routes), a sign-in lasts
as long as the browser tab's session, as before."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from urllib.parse import quote, urlparse

from sqlalchemy import Engine

from data_access import web_sessions

COOKIE = "ecg_session"
SESSION_PATH = "/auth/session"
SIGNOUT_PATH = "/auth/signout"
served_with_routes = False  # set by dashboard/server.py, which adds the routes


def safe_next(path: str | None) -> str:
    """A path on this site to go on to (never another site: '//evil', 'https://...')."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def grant_url(grant: str, next_path: str) -> str:
    return f"{SESSION_PATH}?grant={quote(grant)}&next={quote(safe_next(next_path))}"


def path_of(url: str | None) -> str:
    return safe_next(urlparse(url or "/").path)


def navigate_script(url: str) -> str:
    """A script that sends the browser to `url` (a path on this site)."""
    return f"<script>window.location.replace({json.dumps(url)});</script>"


@cache
def _engine() -> Engine:
    import os

    from dashboard.settings import load_settings, secrets_file
    from data_access.db import make_engine

    return make_engine(load_settings(secrets_file(), os.environ).database_url)


def routes() -> list:
    """The two routes the served app adds to Streamlit's."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import RedirectResponse
    from starlette.routing import Route

    async def session(request):
        grant = request.query_params.get("grant", "")
        next_path = safe_next(request.query_params.get("next"))

        def trade() -> str | None:
            with _engine().begin() as conn:
                return web_sessions.trade_grant(conn, grant, datetime.now(UTC))

        token = await run_in_threadpool(trade) if grant else None
        response = RedirectResponse(next_path if token else "/", status_code=303)
        if token:
            response.set_cookie(
                COOKIE,
                token,
                max_age=int(web_sessions.MAX_AGE.total_seconds()),
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        return response

    async def signout(request):
        token = request.cookies.get(COOKIE)

        def end() -> None:
            with _engine().begin() as conn:
                web_sessions.end(conn, token)

        if token:
            await run_in_threadpool(end)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    return [Route(SESSION_PATH, session), Route(SIGNOUT_PATH, signout)]
