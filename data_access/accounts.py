"""Local accounts: argon2 password hashes, a growing delay after wrong passwords,
and every change in the audit log. Permissions are checked here, where users change.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from access.permissions import SERVER_SHELL, Action, Actor, Role, require
from data_access import audit, web_sessions
from data_access.schema import LoginThrottle, User

MIN_PASSWORD_LENGTH = 10
FREE_ATTEMPTS = 2  # wrong passwords before the delay starts
MAX_DELAY = timedelta(minutes=15)
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


class LoginRefused(Exception):
    def __init__(self, reason: str, wait_seconds: int = 0) -> None:
        super().__init__(reason)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    must_change_password: bool
    language: str | None = None  # the interface language chosen (None: the browser's)
    community: str | None = None  # the community chosen last (None: none yet)

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role)


def delay_after(failures: int) -> timedelta:
    """How long an account waits after `failures` wrong passwords in a row: nothing for
    the first FREE_ATTEMPTS, then 1 s, 2 s, 4 s, ... up to MAX_DELAY."""
    if failures <= FREE_ATTEMPTS:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_ATTEMPTS - 1)), MAX_DELAY)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def add_user(
    engine: Engine,
    actor: Actor,
    name: str,
    role: Role,
    password: str,
    now: datetime,
    must_change_password: bool = False,
) -> Account:
    require(actor, Action.MANAGE_USERS)
    name = _clean_name(name)
    check_password_rules(password)
    with engine.begin() as conn:
        if _row(conn, name) is not None:
            raise AccountError(f"a user named {name!r} already exists")
        conn.execute(
            insert(User).values(
                name=name,
                role=role.value,
                password_hash=_hasher.hash(password),
                must_change_password=must_change_password,
                failed_logins=0,
                created_at=now,
            )
        )
        audit.record(conn, now, actor.name, "user.add", name, None, {"role": role.value})
    return Account(name, role, must_change_password)


def create_first_admin(engine: Engine, now: datetime) -> str | None:
    """When there is no user yet: an `admin` with a random one-time password, which must
    be changed at first login. Returns that password, or None when users exist."""
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(User)):
            return None
    password = secrets.token_urlsafe(12)
    add_user(engine, SERVER_SHELL, "admin", Role.ADMIN, password, now, must_change_password=True)
    return password


def set_password(engine: Engine, actor: Actor, name: str, password: str, now: datetime) -> None:
    """Users change their own password; admins anyone's (which must then be changed)."""
    name = _clean_name(name)
    if actor.name != name:
        require(actor, Action.MANAGE_USERS)
    check_password_rules(password)
    with engine.begin() as conn:
        if _row(conn, name) is None:
            raise AccountError(f"no user named {name!r}")
        conn.execute(
            update(User)
            .where(User.name == name)
            .values(
                password_hash=_hasher.hash(password),
                must_change_password=actor.name != name,
                failed_logins=0,
                locked_until=None,
            )
        )
        web_sessions.end_all_of(conn, name)  # every browser signs in again
        audit.record(conn, now, actor.name, "user.password", name)


def remove_user(engine: Engine, actor: Actor, name: str, now: datetime) -> None:
    require(actor, Action.MANAGE_USERS)
    name = _clean_name(name)
    with engine.begin() as conn:
        row = _row(conn, name)
        if row is None:
            raise AccountError(f"no user named {name!r}")
        admins = conn.scalar(select(func.count()).where(User.role == Role.ADMIN.value))
        if row.role == Role.ADMIN.value and admins == 1:
            raise AccountError("the last admin cannot be removed")
        conn.execute(delete(User).where(User.name == name))
        web_sessions.end_all_of(conn, name)
        audit.record(conn, now, actor.name, "user.remove", name, {"role": row.role}, None)


def find(engine: Engine, name: str) -> Account | None:
    """The account of `name` as it is now (role changed, or removed: None)."""
    with engine.connect() as conn:
        row = _row(conn, name)
    if row is None:
        return None
    return Account(
        row.name, Role(row.role), bool(row.must_change_password), row.language, row.community
    )


def set_language(engine: Engine, name: str, language: str | None) -> None:
    """Save the interface language `name` chose (None: follow the browser). A preference
    of the user's own, not audited."""
    with engine.begin() as conn:
        conn.execute(update(User).where(User.name == _clean_name(name)).values(language=language))


def set_community(engine: Engine, name: str, community: str) -> None:
    """Save the community `name` chose last, opened again at their next sign-in. A
    preference of the user's own, not audited."""
    with engine.begin() as conn:
        conn.execute(update(User).where(User.name == _clean_name(name)).values(community=community))


def list_users(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(User.name, User.role, User.must_change_password).order_by(User.name)
        ).all()
    return [Account(name, Role(role), bool(change)) for name, role, change in rows]


def authenticate(
    engine: Engine, name: str, password: str, now: datetime, client: str = ""
) -> Account:
    """The account for a right name and password; LoginRefused otherwise. Each try from
    `client` (its address) claims its turn first, in one atomic update of the (name,
    client) pair: from the third wrong try on, the pair waits 1 s, 2 s, 4 s ... before the
    next, so parallel guesses cannot all be checked. A wrong name and a wrong password
    read the same and wait the same; the owner signing in from elsewhere never waits for
    an attacker's tries."""
    name = name.strip().lower()[:100]
    client = client[:100]
    with engine.begin() as conn:
        failures, locked_until = _claim_turn(conn, name, client, now)
    if locked_until is not None:
        wait = max(1, math.ceil((locked_until - now).total_seconds()))
        raise LoginRefused(f"too many wrong tries: try again in {wait} s", wait)
    with engine.begin() as conn:
        row = _row(conn, name)
        if row is None:
            _hasher.hash(password)  # the same work as for a real account
        elif _verify(row.password_hash, password):
            conn.execute(_throttle_of(name, client).values(failures=0, locked_until=None))
            return Account(row.name, Role(row.role), bool(row.must_change_password))
    raise LoginRefused("wrong name or password", int(delay_after(failures).total_seconds()))


def _throttle_of(name: str, client: str):
    return update(LoginThrottle).where(LoginThrottle.name == name, LoginThrottle.client == client)


def _claim_turn(conn: Connection, name: str, client: str, now: datetime):
    """(tries counted, None) when this try may check its password, the pair's wait charged
    already; (0, locked_until) when it must wait."""
    fresh = {"name": name, "client": client, "failures": 0, "locked_until": None}
    conn.execute(_insert_new(conn).values(**fresh).on_conflict_do_nothing())
    claimed = conn.execute(
        _throttle_of(name, client)
        .where(or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now))
        .values(failures=LoginThrottle.failures + 1)
        .returning(LoginThrottle.failures)
    ).scalar()
    if claimed is None:
        locked_until = conn.scalar(
            select(LoginThrottle.locked_until).where(
                LoginThrottle.name == name, LoginThrottle.client == client
            )
        )
        return 0, locked_until
    conn.execute(_throttle_of(name, client).values(locked_until=now + delay_after(claimed)))
    return claimed, None


def _insert_new(conn: Connection):
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(LoginThrottle)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _row(conn: Connection, name: str):
    return conn.execute(select(User).where(User.name == name)).first()


def _clean_name(name: str) -> str:
    cleaned = name.strip().lower()
    if not cleaned or len(cleaned) > 100 or not all(c.isalnum() or c in "._-@" for c in cleaned):
        raise AccountError("a user name is 1 to 100 letters, digits or . _ - @")
    return cleaned
