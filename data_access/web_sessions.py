"""Browser sessions that survive a reload: a one-time grant, traded for an HttpOnly
cookie; only hashes of either are stored. Sessions end when idle, after MAX_AGE, on
sign-out, and on a password change, role change or removal of their user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from data_access.schema import WebSession

GRANT_LIFETIME = timedelta(minutes=1)  # the browser trades the grant at once
MAX_AGE = timedelta(days=14)  # a session ends after this however active
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_grant(conn: Connection, user_name: str, now: datetime) -> str:
    """A one-time grant for `user_name`, valid GRANT_LIFETIME: the token to hand the browser."""
    grant = secrets.token_urlsafe(32)
    conn.execute(
        insert(WebSession).values(
            user_name=user_name,
            grant_hash=_hash(grant),
            grant_expires_at=now + GRANT_LIFETIME,
            created_at=now,
            last_seen_at=now,
        )
    )
    return grant


def trade_grant(conn: Connection, grant: str, now: datetime) -> str | None:
    """The session token (the cookie's value) for a grant not used and not expired, or
    None. A grant works once."""
    session = secrets.token_urlsafe(32)
    traded = conn.execute(
        update(WebSession)
        .where(
            WebSession.grant_hash == _hash(grant),
            WebSession.grant_expires_at >= now,
            WebSession.session_hash.is_(None),
        )
        .values(session_hash=_hash(session), grant_hash=None, grant_expires_at=None)
    )
    return session if traded.rowcount == 1 else None


def user_of(conn: Connection, session: str, now: datetime, idle: timedelta) -> str | None:
    """The user signed in by the cookie `session`, or None when it is unknown, idle longer
    than `idle`, or older than MAX_AGE (such a row is removed). Marks it seen."""
    row = conn.execute(
        select(
            WebSession.id, WebSession.user_name, WebSession.created_at, WebSession.last_seen_at
        ).where(WebSession.session_hash == _hash(session))
    ).first()
    if row is None:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > MAX_AGE:
        conn.execute(delete(WebSession).where(WebSession.id == row.id))
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        conn.execute(update(WebSession).where(WebSession.id == row.id).values(last_seen_at=now))
    return row.user_name


def end(conn: Connection, session: str) -> None:
    """Sign-out: the cookie `session` no longer signs anyone in."""
    conn.execute(delete(WebSession).where(WebSession.session_hash == _hash(session)))


def end_all_of(conn: Connection, user_name: str) -> None:
    """Every session of `user_name` (password or role changed, user removed)."""
    conn.execute(delete(WebSession).where(WebSession.user_name == user_name))
