"""Bots and staff on the hand-built community of tests/test_kpis.py (LA, weeks 44-45)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from access.permissions import Actor, PermissionDenied, Role
from analysis.weeks import Week
from dashboard.cli.main import main as ecg
from dashboard.report.figures import weekly_report
from data_access import audit, members
from data_access.db import make_engine
from data_access.schema import Member
from tests.kpi_fixture import build_kpi_community
from tests.test_pages import open_page

LA = "America/Los_Angeles"
NOW = datetime(2026, 11, 20, tzinfo=UTC)
ANALYST = Actor("ana", Role.ANALYST)


def member_id(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(Member.id).where(Member.external_id == name))


def report(engine, community_id, week=45):
    with engine.connect() as conn:
        return weekly_report(conn, community_id, "acme", Week(2026, week), LA)


def test_staff_left_out_of_sentiment_and_questions(engine):
    community_id = build_kpi_community(engine)
    alice, bob = member_id(engine, "alice"), member_id(engine, "bob")
    flags = {alice: (False, True), bob: (False, True)}
    members.set_flags(engine, community_id, flags, actor=ANALYST, now=NOW)
    unchanged = report(engine, community_id).figures[-1]
    assert unchanged.avg_sentiment == pytest.approx((0.7345 + 0.7184 + 0.4404 + 0 - 0.7269) / 5)

    members.set_exclude_staff(engine, community_id, True, actor=ANALYST, now=NOW)
    before, week = report(engine, community_id).figures[-2:]
    # W45 without bob's "Welcome dave" (0.7184): d1, d2, the bot's and c2
    assert week.avg_sentiment == pytest.approx((0.7345 + 0.4404 + 0 - 0.7269) / 4)
    assert week.negative_share == pytest.approx(1 / 4)
    assert week.messages == 5 and week.active == 3  # staff still write and are members
    # W44 without alice's question a1: carol's c1 is asked, alice (staff) answered it
    assert (before.asked, before.answered, before.median_response_minutes) == (1, 1, 690.0)
    assert (week.asked, week.answered) == (2, 1)  # bob's answer to dave still counts

    members.set_exclude_staff(engine, community_id, False, actor=ANALYST, now=NOW)
    assert report(engine, community_id).figures[-1] == unchanged
    with engine.connect() as conn:
        log = audit.entries(conn, NOW, datetime(2027, 1, 1, tzinfo=UTC), actor="ana")
        assert set(members.flagged(conn, community_id)["external_id"]) == {
            "alice",
            "bob",
            "statusbot",
        }
    assert sorted(log["action"]) == ["community.exclude_staff"] * 2 + ["member.flags"] * 2


def test_marking_a_bot_recounts_members(engine):
    community_id = build_kpi_community(engine)
    dave = member_id(engine, "dave")
    members.set_flags(engine, community_id, {dave: (True, False)}, actor=ANALYST, now=NOW)
    week = report(engine, community_id).figures[-1]
    assert (week.active, week.new, week.returning) == (2, 0, 2)  # bob and carol
    with engine.connect() as conn:
        rollup = conn.execute(
            text("SELECT active_authors, new_authors FROM channel_hourly WHERE hour = :h"),
            {"h": "2026-11-03 10:00:00.000000"},
        ).one()
        assert tuple(rollup) == (1, 0)  # bob alone; dave counted as a bot now
        found = members.find(conn, community_id, "DAV")
    assert found[["external_id", "is_bot", "messages"]].values.tolist() == [["dave", True, 2]]


def test_a_manager_may_not_mark_members(engine):
    community_id = build_kpi_community(engine)
    manager = Actor("max", Role.MANAGER)
    with pytest.raises(PermissionDenied):
        members.set_flags(engine, community_id, {1: (True, False)}, actor=manager, now=NOW)
    with pytest.raises(PermissionDenied):
        members.set_exclude_staff(engine, community_id, True, actor=manager, now=NOW)


def test_members_page_toggles_staff_exclusion_and_finds_accounts(monkeypatch, database_url):
    url = database_url
    engine = make_engine(url)
    community_id = build_kpi_community(engine)
    app = open_page(monkeypatch, url, "../pages/members.py", role=Role.ANALYST)
    assert app.subheader[0].value == "Marked now: 1"  # the status bot, flagged by its platform
    app.toggle[0].set_value(True).run()
    assert app.success[0].value == "Saved; every figure is recounted."
    with engine.connect() as conn:
        assert members.excludes_staff(conn, community_id)
    app.text_input[0].input("car").run()
    found = app.dataframe[-1].value
    assert found["external_id"].tolist() == ["carol"] and found["messages"].tolist() == [2]


def test_members_from_the_command_line(database_url, monkeypatch, capsys):
    url = database_url
    engine = make_engine(url)
    community_id = build_kpi_community(engine)
    monkeypatch.setenv("ECG_DATABASE_URL", url)
    assert ecg(["members", "--community", "acme", "find", "zzz"]) == 0
    assert capsys.readouterr().out == "no account of acme has 'zzz' in its name or id\n"
    assert ecg(["members", "--community", "acme", "mark", "bob", "--staff"]) == 0
    assert ecg(["members", "--community", "acme", "staff-figures", "exclude"]) == 0
    assert ecg(["members", "--community", "acme", "list"]) == 0
    listed = capsys.readouterr().out
    assert "bob" in listed and "staff" in listed and "statusbot" in listed
    with engine.connect() as conn:
        assert members.excludes_staff(conn, community_id)
    assert ecg(["members", "--community", "acme", "mark", "nobody", "--bot"]) == 2
    assert "0 accounts have the id 'nobody'" in capsys.readouterr().err


def test_ecg_members_list_says_when_no_account_is_marked(database_url, tmp_path):
    from tests.ecg_process import run_ecg

    export = tmp_path / "one.csv"
    export.write_text("id,timestamp,author,text\n1,2026-11-02T10:00:00Z,ann,hello\n")
    imported = run_ecg(
        ["import", str(export), "--community", "tiny"], tmp_path, ECG_DATABASE_URL=database_url
    )
    assert imported.returncode == 0, imported.stderr
    listed = run_ecg(
        ["members", "list", "--community", "tiny"], tmp_path, ECG_DATABASE_URL=database_url
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == (  # it printed nothing at all
        "no account of tiny is marked as a bot or staff: `ecg members mark ID --bot` or "
        "`--staff` (`ecg members find TEXT` for the ID)\n"
    )
