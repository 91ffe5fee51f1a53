"""Accounts and roles: who may do what, passwords, the login delay, the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from access.permissions import SERVER_SHELL, Action, Actor, PermissionDenied, Role, may
from analysis.topics import TopicRule
from dashboard.changes.topics import delete_topic, save_topic
from data_access import audit
from data_access.accounts import (
    AccountError,
    LoginRefused,
    add_user,
    authenticate,
    create_first_admin,
    delay_after,
    find,
    list_users,
    remove_user,
    set_password,
)

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
PASSWORD = "correct horse battery"

EXPECTED = {  # role -> the actions it may take, as the issue specifies
    Role.EXECUTIVE: {Action.VIEW_OVERVIEW},
    Role.MANAGER: {
        Action.VIEW_OVERVIEW,
        Action.VIEW_MONITORING,
        Action.ACKNOWLEDGE_ALERTS,
        Action.SILENCE_ALERTS,
        Action.KEEP_MEMBER_NOTES,  # issue 19: tags, notes and segments
    },
    Role.ANALYST: {
        Action.VIEW_OVERVIEW,
        Action.VIEW_MONITORING,
        Action.ACKNOWLEDGE_ALERTS,
        Action.SILENCE_ALERTS,
        Action.EDIT_TOPICS,
        Action.EDIT_RULES,
        Action.IMPORT_DATA,
        Action.MARK_MEMBERS,
        Action.MERGE_IDENTITIES,
        Action.CORRECT_MESSAGES,
        Action.KEEP_MEMBER_NOTES,
        Action.EXPORT_MEMBERS,  # issue 19: analysts and admins only
    },
    Role.ADMIN: set(Action),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_each_role_against_each_action(role, action):
    assert may(Actor("someone", role), action) is (action in EXPECTED[role])


@pytest.mark.parametrize("role", list(Role))
def test_saving_a_topic_is_locked_in_the_function_itself(engine, role):
    from dashboard.communities import prepare_community

    prepare_community(engine, "main")
    rule = TopicRule("weather", keywords=("rain",))
    actor = Actor("someone", role)
    if Action.EDIT_TOPICS in EXPECTED[role]:
        result = save_topic(engine, 1, rule, actor=actor, now=NOW)
        delete_topic(engine, result.topic_id, actor=actor, now=NOW)
    else:
        refused = {Role.EXECUTIVE: "an executive", Role.MANAGER: "a manager"}[role]
        with pytest.raises(PermissionDenied, match=f"^{refused} may not edit topics$"):
            save_topic(engine, 1, rule, actor=actor, now=NOW)
        with pytest.raises(PermissionDenied):
            delete_topic(engine, 1, actor=actor, now=NOW)


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_manage_users(engine, role):
    actor = Actor("someone", role)
    if role is Role.ADMIN:
        add_user(engine, actor, "newcomer", Role.MANAGER, PASSWORD, NOW)
        remove_user(engine, actor, "newcomer", NOW)
    else:
        with pytest.raises(PermissionDenied):
            add_user(engine, actor, "newcomer", Role.MANAGER, PASSWORD, NOW)


def test_hashes_are_salted_and_never_the_password(engine):
    add_user(engine, SERVER_SHELL, "ann", Role.ANALYST, PASSWORD, NOW)
    add_user(engine, SERVER_SHELL, "bob", Role.MANAGER, PASSWORD, NOW)
    with engine.connect() as conn:
        hashes = [row[0] for row in conn.execute(text("SELECT password_hash FROM users"))]
        log = conn.execute(text("SELECT * FROM audit_log")).all()
    assert hashes[0] != hashes[1]
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    assert all(PASSWORD not in str(row) for row in log)


def test_login_and_the_growing_delay(engine):
    add_user(engine, SERVER_SHELL, "Ann", Role.ANALYST, PASSWORD, NOW)
    assert authenticate(engine, " ANN ", PASSWORD, NOW).role is Role.ANALYST
    for _first_two in (1, 2):
        with pytest.raises(LoginRefused, match="wrong name or password") as refused:
            authenticate(engine, "ann", "guess", NOW)
        assert refused.value.wait_seconds == 0
    with pytest.raises(LoginRefused) as refused:
        authenticate(engine, "ann", "guess", NOW)  # third: 1 s from now on
    assert refused.value.wait_seconds == 1
    with pytest.raises(LoginRefused, match="too many wrong tries: try again in 1 s"):
        authenticate(engine, "ann", PASSWORD, NOW)  # even the right one, meanwhile
    later = NOW + timedelta(seconds=1)
    with pytest.raises(LoginRefused) as refused:
        authenticate(engine, "ann", "guess", later)  # fourth: 2 s
    assert refused.value.wait_seconds == 2
    assert authenticate(engine, "ann", PASSWORD, later + timedelta(seconds=2)).name == "ann"
    with pytest.raises(LoginRefused, match="wrong name or password"):
        authenticate(engine, "nobody", PASSWORD, NOW)


def test_delay_grows_and_is_capped():
    assert [delay_after(n).total_seconds() for n in range(1, 8)] == [0, 0, 1, 2, 4, 8, 16]
    assert delay_after(40) == timedelta(minutes=15)


def test_first_admin_gets_a_one_time_password(engine):
    password = create_first_admin(engine, NOW)
    assert len(password) >= 16
    account = authenticate(engine, "admin", password, NOW)
    assert (account.role, account.must_change_password) == (Role.ADMIN, True)
    assert create_first_admin(engine, NOW) is None  # only while there is no user
    set_password(engine, account.actor, "admin", "a new long password", NOW)
    assert authenticate(engine, "admin", "a new long password", NOW).must_change_password is False


def test_rules_for_names_passwords_and_the_last_admin(engine):
    with pytest.raises(AccountError, match="at least 10 characters"):
        add_user(engine, SERVER_SHELL, "ann", Role.ANALYST, "short", NOW)
    with pytest.raises(AccountError, match="a user name is"):
        add_user(engine, SERVER_SHELL, "<b>ann</b>", Role.ANALYST, PASSWORD, NOW)
    add_user(engine, SERVER_SHELL, "boss", Role.ADMIN, PASSWORD, NOW)
    with pytest.raises(AccountError, match="already exists"):
        add_user(engine, SERVER_SHELL, "BOSS", Role.ANALYST, PASSWORD, NOW)
    with pytest.raises(AccountError, match="the last admin"):
        remove_user(engine, SERVER_SHELL, "boss", NOW)
    assert [(a.name, a.role) for a in list_users(engine)] == [("boss", Role.ADMIN)]
    manager = Actor("mia", Role.MANAGER)
    with pytest.raises(PermissionDenied):
        set_password(engine, manager, "boss", PASSWORD, NOW)


def test_every_change_is_in_the_audit_log(engine):
    from dashboard.communities import prepare_community

    prepare_community(engine, "main")
    admin = Actor("boss", Role.ADMIN)
    add_user(engine, admin, "ann", Role.ANALYST, PASSWORD, NOW)
    rule = TopicRule("weather", keywords=("rain",))
    result = save_topic(engine, 1, rule, actor=Actor("ann", Role.ANALYST), now=NOW)
    edited = TopicRule("weather", keywords=("rain", "snow"))
    save_topic(
        engine,
        1,
        edited,
        result.topic_id,
        actor=Actor("ann", Role.ANALYST),
        now=NOW + timedelta(minutes=1),
    )
    with engine.connect() as conn:
        log = audit.entries(conn, NOW, NOW + timedelta(hours=1))
        only_ann = audit.entries(conn, NOW, NOW + timedelta(hours=1), actor="ann")
    assert log["action"].tolist() == ["topic.save", "topic.save", "user.add"]
    assert len(only_ann) == 2
    newest = log.iloc[0]
    assert newest["old_value"]["keywords"] == ["rain"]
    assert newest["new_value"]["keywords"] == ["rain", "snow"]
    assert log.iloc[1]["old_value"] is None


def test_parallel_wrong_passwords_are_not_all_checked(engine):
    """24 guesses at once: each claims its turn atomically, so only the free tries and the
    first delayed one reach the password check; the rest are told to wait."""
    from concurrent.futures import ThreadPoolExecutor

    add_user(engine, SERVER_SHELL, "ann", Role.ANALYST, PASSWORD, NOW)
    at = datetime.now(UTC)

    def guess(n: int) -> str:
        try:
            authenticate(engine, "ann", f"guess {n}", at, client="10.0.0.9")
        except LoginRefused as refused:
            return str(refused)
        return "signed in"

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(guess, range(24)))
    assert answers.count("wrong name or password") == 3  # two free tries and the third
    assert answers.count("too many wrong tries: try again in 1 s") == 21
    with engine.connect() as conn:
        counted = conn.execute(text("SELECT name, client, failures FROM login_throttle")).all()
    assert counted == [("ann", "10.0.0.9", 3)]


def test_an_unknown_name_reads_and_waits_like_a_real_one(engine):
    add_user(engine, SERVER_SHELL, "ann", Role.ANALYST, PASSWORD, NOW)

    def tries(name: str) -> list[tuple[str, int]]:
        seen = []
        for _ in range(4):
            with pytest.raises(LoginRefused) as refused:
                authenticate(engine, name, "guess", NOW, client="10.0.0.9")
            seen.append((str(refused.value), refused.value.wait_seconds))
        return seen

    expected = [
        ("wrong name or password", 0),
        ("wrong name or password", 0),
        ("wrong name or password", 1),
        ("too many wrong tries: try again in 1 s", 1),
    ]
    assert tries("ann") == expected
    assert tries("nobody") == expected


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(engine):
    add_user(engine, SERVER_SHELL, "admin", Role.ADMIN, PASSWORD, NOW)
    for _ in range(12):  # the attacker's pair now waits minutes
        with pytest.raises(LoginRefused):
            authenticate(engine, "admin", "guess", NOW, client="203.0.113.7")
    assert authenticate(engine, "admin", PASSWORD, NOW, client="192.0.2.1").name == "admin"


def test_the_audit_log_page_shows_every_column_of_a_change(monkeypatch, database_url):
    from tests.test_pages import open_page

    app = open_page(monkeypatch, database_url, "../pages/audit.py", role=Role.ADMIN)
    assert not app.exception
    (table,) = app.table
    shown = table.value
    assert list(shown.columns) == ["who", "what", "target", "before", "after"]
    assert "user.add" in set(shown["what"])


def test_an_admin_adds_a_user_on_the_users_page(monkeypatch, database_url):
    from data_access.db import make_engine
    from tests.test_pages import open_page

    app = open_page(monkeypatch, database_url, "../pages/users.py", role=Role.ADMIN)
    assert not app.exception
    name, password = app.text_input[0], app.text_input[1]
    name.input("Bea")
    app.selectbox[0].set_value(Role.ANALYST)
    password.input("a one-time pw 123")
    next(b for b in app.button if b.label == "Add user").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert [s.value for s in app.success] == ["Added bea\\."]  # markdown-escaped
    engine = make_engine(database_url)
    added = find(engine, "bea")
    engine.dispose()
    assert added.role == Role.ANALYST and added.must_change_password
    roles = dict(zip(app.dataframe[0].value["name"], app.dataframe[0].value["role"], strict=True))
    assert roles["bea"] == "analyst"


def test_a_refused_edit_is_told_in_the_admins_language(monkeypatch, database_url):
    """Every refusal reads '<what was not done>: <why>.'; both halves in Chinese (the
    first half stayed English: 'Not added: 密码至少需要 10 个字符.')."""
    from data_access import accounts
    from data_access.db import make_engine
    from tests.test_pages import ensure_user, open_page

    ensure_user(database_url, Role.ADMIN)
    engine = make_engine(database_url)
    accounts.set_language(engine, "admin", "zh_CN")
    engine.dispose()
    app = open_page(monkeypatch, database_url, "../pages/users.py", role=Role.ADMIN)
    app.text_input[0].input("bea")
    app.text_input[1].input("short")
    next(b for b in app.button if b.label == "添加用户").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert [e.value for e in app.error] == ["未添加：密码至少需要 10 个字符。"]
