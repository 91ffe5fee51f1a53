"""Correcting how a message was read: the message, its rollups and the audit log change
together, the page shows it at once, and a manager cannot correct."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from access.permissions import Actor, PermissionDenied, Role
from dashboard.changes.corrections import CorrectionError, correct_message
from data_access.db import make_engine
from data_access.schema import Community, Topic
from tests.pages_fixtures import build_live
from tests.test_pages import open_page

ANALYST = Actor("analyst", Role.ANALYST)


@pytest.fixture
def live(database_url):
    build_live(database_url, datetime.now(UTC))
    engine = make_engine(database_url)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "live"))
        burst = conn.execute(
            text("SELECT id, channel_id, hour FROM messages WHERE external_id = 'burst-0'")
        ).one()
    yield engine, community_id, burst
    engine.dispose()


def _rollup_equals_group_by(engine, channel_id, hour) -> dict:
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT messages, question_count, bug_report_count, negative_count"
                " FROM channel_hourly WHERE channel_id = :c AND hour = :h"
            ),
            {"c": channel_id, "h": hour},
        ).one()
        counted = conn.execute(
            text(
                "SELECT count(*), sum(CASE WHEN kind = 'question' THEN 1 ELSE 0 END),"
                " sum(CASE WHEN kind = 'bug_report' THEN 1 ELSE 0 END),"
                " sum(CASE WHEN sentiment <= -0.05 THEN 1 ELSE 0 END)"
                " FROM messages WHERE channel_id = :c AND hour = :h"
            ),
            {"c": channel_id, "h": hour},
        ).one()
    assert tuple(stored) == tuple(counted)
    return dict(zip(("messages", "questions", "bugs", "negative"), stored, strict=True))


def test_a_kind_correction_changes_the_message_its_rollups_and_the_audit_log(live):
    engine, community_id, burst = live
    before = _rollup_equals_group_by(engine, burst.channel_id, burst.hour)
    now = datetime.now(UTC)
    old = correct_message(
        engine, community_id, burst.id, "kind", "question", actor=ANALYST, now=now
    )
    assert old == "bug_report"  # "the app is broken again"
    after = _rollup_equals_group_by(engine, burst.channel_id, burst.hour)
    assert after["questions"] == before["questions"] + 1
    assert after["bugs"] == before["bugs"] - 1
    with engine.connect() as conn:
        kind, confidence = conn.execute(
            text("SELECT kind, kind_confidence FROM messages WHERE id = :i"), {"i": burst.id}
        ).one()
        entry = conn.execute(
            text("SELECT actor, target FROM audit_log WHERE action = 'message.correct'")
        ).one()
    assert (kind, confidence) == ("question", 1.0)
    assert tuple(entry) == ("analyst", f"message {burst.id}")


def test_a_sentiment_label_correction_moves_the_negative_count(live):
    engine, community_id, burst = live
    before = _rollup_equals_group_by(engine, burst.channel_id, burst.hour)
    old = correct_message(
        engine,
        community_id,
        burst.id,
        "sentiment",
        "negative",
        actor=ANALYST,
        now=datetime.now(UTC),
    )
    after = _rollup_equals_group_by(engine, burst.channel_id, burst.hour)
    assert after["negative"] == before["negative"] + (old != "negative")


def test_a_manager_cannot_correct_and_bad_values_are_refused(live):
    engine, community_id, burst = live
    manager = Actor("mia", Role.MANAGER)
    with pytest.raises(PermissionDenied):
        correct_message(
            engine, community_id, burst.id, "kind", "praise", actor=manager, now=datetime.now(UTC)
        )
    with pytest.raises(CorrectionError, match="'gossip' is not a kind"):
        correct_message(
            engine, community_id, burst.id, "kind", "gossip", actor=ANALYST, now=datetime.now(UTC)
        )
    with pytest.raises(CorrectionError, match="no message"):
        correct_message(
            engine, community_id, 10**9, "kind", "praise", actor=ANALYST, now=datetime.now(UTC)
        )


def test_the_live_page_corrects_a_message_and_shows_it_corrected(monkeypatch, database_url):
    build_live(database_url, datetime.now(UTC))
    app = open_page(monkeypatch, database_url, "../pages/live.py", role=Role.ANALYST)
    assert app.dataframe[0].value["kind"].tolist().count("bug report") == 12
    # the form starts on the newest message, one of the burst's bug reports
    assert app.selectbox(key="newest-fix-message").options[0].endswith("the app is broken again")
    app.selectbox(key="newest-fix-value").set_value("question").run()
    app.button(key="newest-fix-save").click().run()
    assert not app.exception, [e.message for e in app.exception]
    kinds = app.dataframe[0].value["kind"].tolist()
    assert kinds.count("question ✎") == 1
    assert kinds.count("bug report") == 11
    assert any("Corrected: the figures now count it as question." in s.value for s in app.success)


def test_a_manager_gets_no_correction_form(monkeypatch, database_url):
    build_live(database_url, datetime.now(UTC))
    app = open_page(monkeypatch, database_url, "../pages/live.py", role=Role.MANAGER)
    assert not [s for s in app.selectbox if s.key == "newest-fix-message"]


def _topic_count(engine, topic_id, channel_id, hour) -> int:
    with engine.connect() as conn:
        stored = conn.scalar(
            text(
                "SELECT coalesce(sum(messages), 0) FROM topic_hourly"
                " WHERE topic_id = :t AND channel_id = :c AND hour = :h"
            ),
            {"t": topic_id, "c": channel_id, "h": hour},
        )
        linked = conn.scalar(
            text(
                "SELECT count(*) FROM message_topics mt JOIN messages m ON m.id = mt.message_id"
                " WHERE mt.topic_id = :t AND m.channel_id = :c AND m.hour = :h"
            ),
            {"t": topic_id, "c": channel_id, "h": hour},
        )
    assert stored == linked
    return stored


def test_a_topic_correction_outlasts_a_re_tag(live):
    from access.permissions import SERVER_SHELL
    from dashboard.changes.topics import save_topic
    from data_access.topics import topic_rule_of

    engine, community_id, burst = live
    with engine.connect() as conn:
        bugs = conn.execute(select(Topic.__table__).where(Topic.name == "bugs")).mappings().one()
        calm = conn.execute(
            text("SELECT id, channel_id, hour FROM messages WHERE external_id = 'calm-0'")
        ).one()
    before = _topic_count(engine, bugs["id"], burst.channel_id, burst.hour)
    now = datetime.now(UTC)
    field = f"topic:{bugs['id']}"
    assert (
        correct_message(engine, community_id, burst.id, field, "out", actor=ANALYST, now=now)
        == "in"
    )
    assert (
        correct_message(engine, community_id, calm.id, field, "in", actor=ANALYST, now=now) == "out"
    )
    assert _topic_count(engine, bugs["id"], burst.channel_id, burst.hour) == before - 1 + (
        calm.hour == burst.hour
    )
    # saving the rule again re-tags every message: the corrections stay
    save_topic(engine, community_id, topic_rule_of(bugs), bugs["id"], actor=SERVER_SHELL, now=now)
    with engine.connect() as conn:
        linked = set(
            conn.execute(
                text("SELECT message_id FROM message_topics WHERE topic_id = :t"),
                {"t": bugs["id"]},
            ).scalars()
        )
    assert burst.id not in linked
    assert calm.id in linked
    assert _topic_count(engine, bugs["id"], calm.channel_id, calm.hour) >= 1
