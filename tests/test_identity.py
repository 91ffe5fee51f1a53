"""One person, many accounts: suggestions by hand, and a merge confirmed then undone with
the member KPIs before, during and after."""

from datetime import UTC, datetime

import pytest

from access.permissions import Actor, PermissionDenied, Role
from analysis.identity import Account, handle, suggest
from analysis.weeks import Week
from dashboard.report.figures import weekly_report
from data_access import audit, identities
from data_access.db import make_engine
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage
from tests.kpi_fixture import build_kpi_community
from tests.test_pages import open_page

LA = "America/Los_Angeles"
NOW = datetime(2026, 11, 20, tzinfo=UTC)
ANALYST = Actor("ana", Role.ANALYST)


def test_handles():
    assert handle("@Ann_Lee:matrix.org") == "annlee"
    assert handle("bob.stone") == "bobstone"


def test_suggestions_with_their_evidence():
    accounts = [
        Account(1, "discord", "discord", "111", "Ann Lee", None),
        Account(2, "slack", "slack", "U1", "ann lee", "ann@acme.com"),
        Account(3, "telegram", "telegram", "ann_lee", "Annie", "ANN@acme.com"),
        Account(4, "discord", "discord", "222", "Bob Stone", None),
        Account(5, "slack", "slack", "U2", "Bob Stones", None),
        Account(6, "discord", "discord", "333", "ann lee", None),  # same source as 1: never
        Account(7, "slack", "slack", "U3", "Al", None),
        Account(8, "discord", "discord", "444", "Al", None),  # 'al' is too short a handle
    ]
    found = {(s.first, s.second): s for s in suggest(accounts)}
    assert found[(2, 3)].score == 1.0  # same e-mail, and the handle 'annlee'
    assert found[(2, 3)].evidence == (
        "same e-mail ann@acme.com",
        "same handle 'annlee' on slack and telegram",
    )
    # 'ann lee' and 'Ann Lee': the same handle (0.8) and names 100% alike (0.7): 0.9
    assert found[(1, 2)].score == 0.9
    assert found[(1, 2)].evidence[0] == "same handle 'annlee' on discord and slack"
    # 'bob stone' and 'bob stones': ratio 2 x 9 / 19 = 0.947; 0.5 + 0.2 x 0.097 / 0.15 = 0.630
    assert found[(4, 5)].score == pytest.approx(0.5 + 0.2 * (18 / 19 - 0.85) / 0.15, abs=0.001)
    assert (
        (1, 6) not in found
        and (7, 8) in found
        and found[(7, 8)].evidence == ("display names 'Al' and 'Al' 100% alike",)
    )
    assert (1, 2) not in {(s.first, s.second) for s in suggest(accounts, decided={(1, 2)})}


def add_slack_alice(engine):
    """Alice also writes on the Slack workspace, in week 45 (Wednesday 4 Nov)."""
    message = RawMessage(
        "s1",
        datetime(2026, 11, 4, 17, tzinfo=UTC),
        "general",
        "U1",
        "Alice",
        "Posting from Slack today",
        author_email="alice@acme.com",
    )
    run_import(engine, [ParsedRow(1, message)], ImportTarget("acme", "workspace", "slack"))


def people(engine, community_id):
    with engine.connect() as conn:
        week = weekly_report(conn, community_id, "acme", Week(2026, 45), LA).figures[-1]
    return week.active, week.new, week.returning, week.churned


def test_merge_confirmed_then_undone(engine):
    community_id = build_kpi_community(engine)
    add_slack_alice(engine)
    # W45: dave, bob, carol and Slack-Alice; Discord-Alice (W44) churned; Slack-Alice is new
    assert people(engine, community_id) == (4, 2, 2, 1)
    with engine.connect() as conn:
        accounts = identities.accounts(conn, community_id)
        decided = identities.decided_pairs(conn, community_id)
    (alice,) = [s for s in suggest(accounts, decided) if s.score >= 0.8]
    assert alice.evidence[0] == "same handle 'alice' on discord and slack"

    identities.decide(engine, community_id, alice, True, actor=ANALYST, now=NOW)
    # one Alice now: she returned, nobody churned, only dave is new
    assert people(engine, community_id) == (4, 1, 3, 0)
    with engine.connect() as conn:
        assert identities.decided_pairs(conn, community_id) == {(alice.first, alice.second)}
        merged = identities.decisions(conn, community_id, "confirmed")
    assert merged[["person", "account"]].values.tolist() == [["Alice", "Alice"]]

    identities.undo(engine, int(merged["id"].iloc[0]), actor=ANALYST, now=NOW)
    assert people(engine, community_id) == (4, 2, 2, 1)
    with engine.connect() as conn:
        log = audit.entries(conn, NOW, datetime(2027, 1, 1, tzinfo=UTC), actor="ana")
    assert sorted(log["action"]) == ["identity.confirm", "identity.undo"]


def test_reject_and_permissions(engine):
    community_id = build_kpi_community(engine)
    add_slack_alice(engine)
    with engine.connect() as conn:
        (pair,) = [s for s in suggest(identities.accounts(conn, community_id)) if s.score >= 0.8]
    with pytest.raises(PermissionDenied):
        identities.decide(
            engine, community_id, pair, True, actor=Actor("max", Role.MANAGER), now=NOW
        )
    identities.decide(engine, community_id, pair, False, actor=ANALYST, now=NOW)
    with engine.connect() as conn:
        assert (
            suggest(
                identities.accounts(conn, community_id),
                identities.decided_pairs(conn, community_id),
            )
            == []
        )
    assert people(engine, community_id) == (4, 2, 2, 1)  # rejected: still two people


def test_people_page_confirms_then_undoes(monkeypatch, database_url):
    url = database_url
    engine = make_engine(url)
    community_id = build_kpi_community(engine)
    add_slack_alice(engine)
    app = open_page(monkeypatch, url, "../pages/people.py", role=Role.ANALYST)
    app.slider[0].set_value(0.8).run()
    assert app.subheader[0].value == "Suggestions: 1"
    next(b for b in app.button if b.label == "Confirm").click().run()
    assert app.subheader[0].value == "Suggestions: 0" and app.subheader[1].value == "Merged: 1"
    assert people(engine, community_id) == (4, 1, 3, 0)
    next(b for b in app.button if b.label == "Undo").click().run()
    assert app.subheader[1].value == "Merged: 0"
    assert people(engine, community_id) == (4, 2, 2, 1)


def add_slack_twins(engine):
    """Alice, Bob and Carol also write on Slack (as U1, U2, U3), in week 45."""
    rows = [
        ParsedRow(
            n,
            RawMessage(
                f"s{n}", datetime(2026, 11, 4, 17, n, tzinfo=UTC), "general", f"U{n}", name, "hi"
            ),
        )
        for n, name in enumerate(["Alice", "Bob", "Carol"], start=1)
    ]
    run_import(engine, rows, ImportTarget("acme", "workspace", "slack"))


def test_a_batch_is_confirmed_together_and_undone_together(engine):
    community_id = build_kpi_community(engine)
    add_slack_twins(engine)
    with engine.connect() as conn:
        pairs = [s for s in identities.open_suggestions(conn, community_id) if s.score >= 0.8]
    assert len(pairs) == 3
    with pytest.raises(PermissionDenied):
        identities.confirm_batch(
            engine, community_id, pairs, actor=Actor("max", Role.MANAGER), now=NOW
        )
    batch = identities.confirm_batch(engine, community_id, pairs, actor=ANALYST, now=NOW)
    with engine.connect() as conn:
        assert identities.open_suggestions(conn, community_id) == []
        listed = identities.batches(conn, community_id)
        merged = identities.decisions(conn, community_id, "confirmed")
    assert listed[["batch", "merges", "decided_by"]].values.tolist() == [[batch, 3, "ana"]]
    assert sorted(merged["account"]) == ["Alice", "Bob", "Carol"]
    assert set(merged["batch"]) == {batch}
    assert identities.undo_batch(engine, batch, actor=ANALYST, now=NOW) == 3
    with engine.connect() as conn:
        assert identities.decisions(conn, community_id, "confirmed").empty
        assert identities.batches(conn, community_id).empty
        log = audit.entries(conn, NOW, datetime(2027, 1, 1, tzinfo=UTC), actor="ana")
    assert sorted(log["action"]).count("identity.confirm") == 3
    assert sorted(log["action"]).count("identity.undo") == 3
    assert "identity.confirm_batch" in set(log["action"])


def test_people_page_filters_previews_merges_a_batch_and_undoes_it(monkeypatch, database_url):
    engine = make_engine(database_url)
    community_id = build_kpi_community(engine)
    add_slack_twins(engine)
    # W45 apart: dave, bob, carol and the three Slack accounts active; dave and the three
    # new; bob and carol returning; Discord-Alice (last seen W44) churned
    assert people(engine, community_id) == (6, 4, 2, 1)
    app = open_page(monkeypatch, database_url, "../pages/people.py", role=Role.ANALYST)
    app.slider[0].set_value(0.8).run()
    assert app.subheader[0].value == "Suggestions: 3"
    app.text_input[0].input("bo").run()  # only Bob's pair
    assert app.subheader[0].value == "Suggestions: 1"
    app.text_input[0].input("").run()
    preview = app.dataframe[0].value
    assert sorted(preview["account"].str.split(" ").str[0]) == ["Alice", "Bob", "Carol"]
    next(b for b in app.button if b.label == "Merge these 3 pairs").click().run()
    headings = [h.value for h in app.subheader]
    assert headings == ["Suggestions: 0", "Batches: 1", "Merged: 3"]
    # merged: dave, bob, carol, alice active; only dave new; the other three returning
    assert people(engine, community_id) == (4, 1, 3, 0)
    next(b for b in app.button if b.label == "Undo batch").click().run()
    assert [h.value for h in app.subheader] == ["Suggestions: 3", "Merged: 0"]
    assert people(engine, community_id) == (6, 4, 2, 1)


def test_a_chinese_name_matches_its_pinyin_in_either_order():
    from analysis.identity import pinyin_readings

    assert pinyin_readings("张伟") == {"zhangwei", "weizhang"}
    assert pinyin_readings("李小龍") == {"lixiaolong", "xiaolongli"}  # Traditional too
    assert pinyin_readings("张") == set()  # one character says nothing
    accounts = [
        Account(1, "wechat", "wechat", "wxid_9", "张伟"),
        Account(2, "discord", "discord", "zhangwei#1", "Zhang Wei"),
        Account(3, "slack", "slack", "U9", "Wei Zhang"),
        Account(4, "telegram", "telegram", "t1", "Li Na"),
    ]
    found = {(s.first, s.second): s for s in suggest(accounts)}
    assert found[(1, 2)].score == 0.5
    assert found[(1, 2)].evidence == ("'张伟' is 'zhangwei' in pinyin, a name on discord",)
    assert found[(1, 3)].evidence == ("'张伟' is 'weizhang' in pinyin, a name on slack",)
    assert set(found) == {(1, 2), (1, 3)}


def test_people_page_suggests_a_chinese_name_and_its_pinyin(monkeypatch, database_url):
    engine = make_engine(database_url)
    build_kpi_community(engine)
    rows = [
        ParsedRow(
            1, RawMessage("w1", datetime(2026, 11, 4, 9, tzinfo=UTC), "群", "wx1", "张伟", "你好")
        ),
    ]
    run_import(engine, rows, ImportTarget("acme", "wechat group", "wechat"))
    rows = [
        ParsedRow(
            1,
            RawMessage(
                "s9", datetime(2026, 11, 4, 10, tzinfo=UTC), "general", "U9", "Zhang Wei", "hi"
            ),
        ),
    ]
    run_import(engine, rows, ImportTarget("acme", "workspace", "slack"))
    app = open_page(monkeypatch, database_url, "../pages/people.py", role=Role.ANALYST)
    app.slider[0].set_value(0.5).run()
    shown = app.dataframe[0].value
    pinyin = shown[shown.astype(str).apply(lambda r: "in pinyin" in " ".join(r), axis=1)]
    assert len(pinyin) == 1
    assert "张伟" in " ".join(pinyin.astype(str).iloc[0])
