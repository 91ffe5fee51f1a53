"""Forgetting a member (a deletion request): texts, names and identity links removed,
the anonymous counts of past weeks kept; from the shell and from the People page."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from access.permissions import Actor, PermissionDenied, Role
from analysis.identity import suggest
from data_access import audit, identities
from data_access.db import make_engine
from data_access.forget import FORGOTTEN_NAME, forget_member
from data_access.schema import IdentityDecision, Member, Message
from tests.kpi_fixture import build_kpi_community
from tests.test_identity import add_slack_alice, people
from tests.test_pages import open_page

NOW = datetime(2026, 11, 20, tzinfo=UTC)
ADMIN = Actor("ada", Role.ADMIN)


def alice_ids(engine, community_id):
    with engine.connect() as conn:
        rows = conn.execute(
            select(Member.id, Member.external_id).where(
                Member.community_id == community_id, Member.display_name == "Alice"
            )
        ).all()
    return sorted(r.id for r in rows)


def test_a_forgotten_person_keeps_its_counts_and_loses_texts_names_and_decisions(engine):
    community_id = build_kpi_community(engine)
    add_slack_alice(engine)
    with engine.connect() as conn:
        accounts = identities.accounts(conn, community_id)
    (alice,) = [s for s in suggest(accounts) if s.score >= 0.8]
    identities.decide(engine, community_id, alice, True, actor=ADMIN, now=NOW)
    before = people(engine, community_id)
    assert before == (4, 1, 3, 0)  # one Alice, returning in W45
    discord_alice, slack_alice = alice_ids(engine, community_id)
    with engine.connect() as conn:
        both = [discord_alice, slack_alice]
        written = conn.scalar(select(func.count()).where(Message.member_id.in_(both)))

    # a deletion request from Alice, named by her Slack account: both accounts go
    done = forget_member(engine, community_id, slack_alice, actor=ADMIN, now=NOW)

    assert done.member_ids == (slack_alice, discord_alice)
    assert (done.texts, done.decisions) == (written, 1)
    with engine.connect() as conn:
        accounts = conn.execute(
            select(Member.id, Member.display_name, Member.external_id, Member.email)
            .where(Member.id.in_(both))
            .order_by(Member.id)
        ).all()
        texts = set(conn.scalars(select(Message.text).where(Message.member_id.in_(both))))
        decisions = conn.scalar(select(func.count()).select_from(IdentityDecision))
        log = audit.entries(conn, NOW, datetime(2027, 1, 1, tzinfo=UTC), actor="ada")
    assert [tuple(a) for a in accounts] == [
        (i, FORGOTTEN_NAME, f"forgotten-{i}", None) for i in sorted(both)
    ]
    assert texts == {""} and decisions == 0
    assert alice_ids(engine, community_id) == []
    # the merge stays between the nameless accounts: every figure of the week is the same
    assert people(engine, community_id) == before
    entry = log[log["action"] == "member.forget"].iloc[0]
    assert entry["target"] == f"member {slack_alice}"
    assert "Alice" not in str(entry["new_value"]) and entry["old_value"] is None


def test_only_admins_forget(engine):
    community_id = build_kpi_community(engine)
    (alice, *_) = alice_ids(engine, community_id)
    with pytest.raises(PermissionDenied):
        forget_member(engine, community_id, alice, actor=Actor("ana", Role.ANALYST), now=NOW)


def test_ecg_members_forget_from_the_shell(tmp_path):
    url = f"sqlite:///{tmp_path / 'forget.db'}"
    engine = make_engine(url)
    build_kpi_community(engine)
    add_slack_alice(engine)
    env = {"PATH": os.environ["PATH"], "ECG_DATABASE_URL": url, "HOME": str(tmp_path)}
    ecg = [sys.executable, "-m", "dashboard.cli"]
    asked = subprocess.run(
        [*ecg, "members", "--community", "acme", "forget", "U1"],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert asked.returncode != 0
    assert "forgets 'Alice' (slack U1) and the accounts merged with it" in asked.stderr
    assert "--yes" in asked.stderr
    done = subprocess.run(
        [*ecg, "members", "--community", "acme", "forget", "U1", "--yes"],
        env=env, capture_output=True, text=True, cwd=tmp_path, check=True,
    )  # fmt: skip
    assert done.stdout.startswith("forgotten: 1 account(s) (")
    assert "1 texts emptied, 0 identity decisions and 0 tags or notes removed" in done.stdout
    with engine.connect() as conn:
        names = conn.scalars(select(Member.display_name).where(Member.external_id == "U1")).all()
    assert names == []  # its handle is gone too


def test_an_admin_forgets_a_member_on_the_people_page(monkeypatch, database_url):
    engine = make_engine(database_url)
    community_id = build_kpi_community(engine)
    add_slack_alice(engine)
    app = open_page(monkeypatch, database_url, "../pages/people.py", role=Role.ADMIN)
    app.text_input(key="forget-find").input("U1").run()
    assert "Alice (slack U1, 1 messages)" in app.selectbox(key="forget-who").options[0]
    assert app.button(key="forget-go").disabled
    app.checkbox(key="forget-sure").check().run()
    app.button(key="forget-go").click().run()
    assert app.success[0].value == (
        "Forgotten: 1 account(s), 1 texts emptied, 0 identity decisions and 0 tags or notes "
        "removed."
    )
    assert len(alice_ids(engine, community_id)) == 1  # Discord-Alice was not merged: kept
    analyst = open_page(monkeypatch, database_url, "../pages/people.py", role=Role.ANALYST)
    assert not [t for t in analyst.text_input if t.key == "forget-find"]
