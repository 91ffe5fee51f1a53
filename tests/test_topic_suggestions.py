"""Suggested topics on the Topics page: find, accept into the editor with its preview,
reject and never see again; a manager cannot reject."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from access.permissions import Actor, PermissionDenied, Role
from dashboard.communities import prepare_community
from dashboard.topic_suggestions import reject_suggestion, suggest_topics
from data_access.db import make_engine
from data_access.schema import Community
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage
from tests.test_discovery import THEMES
from tests.test_pages import open_page

NEW = "➕ New topic"


@pytest.fixture
def themed_url(database_url):
    """The three themes of tests/test_discovery.py, each message twice, over the last day."""
    engine = make_engine(database_url)
    prepare_community(engine, "themes")
    now = datetime.now(UTC)
    texts = [t for theme in THEMES.values() for t in theme] * 2
    rows = [
        ParsedRow(
            n,
            RawMessage(
                f"m{n}", now - timedelta(minutes=20 * n), "general", f"u{n % 9}", f"U{n % 9}", t
            ),
        )
        for n, t in enumerate(texts, start=1)
    ]
    run_import(engine, rows, ImportTarget("themes", "chat", "discord"))
    engine.dispose()
    return database_url


def _community(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(Community.id).where(Community.name == "themes"))


def _football(found):
    return next(s for s in found.suggestions if "football" in s.keywords)


def test_accepting_a_suggestion_opens_it_in_the_editor_with_its_preview(monkeypatch, themed_url):
    app = open_page(monkeypatch, themed_url, "../pages/topics.py", role=Role.ANALYST)
    app.button(key="suggest-find").click().run()
    assert not app.exception, [e.message for e in app.exception]
    found = app.session_state["suggested-topics"]
    assert found.messages == 60
    football = _football(found)
    index = found.suggestions.index(football)
    app.button(key=f"accept-{index}").click().run()
    assert app.selectbox(key="topic-choice").value == NEW
    assert app.text_input(key=f"topic-{NEW}-name").value == football.name
    assert app.text_area(key=f"topic-{NEW}-keywords").value.split("\n") == list(football.keywords)
    # the preview of the new rule matches the cluster's messages
    matched = next(m for m in app.metric if m.label.startswith("Match, of"))
    assert int(matched.value) >= football.size * 0.8
    previewed = set(app.dataframe[0].value["text"])
    assert sum(sample in previewed for sample in football.samples) >= 2


def test_a_rejected_suggestion_is_remembered_and_audited(monkeypatch, themed_url):
    app = open_page(monkeypatch, themed_url, "../pages/topics.py", role=Role.ANALYST)
    app.button(key="suggest-find").click().run()
    found = app.session_state["suggested-topics"]
    football = _football(found)
    app.button(key=f"reject-{found.suggestions.index(football)}").click().run()
    assert not app.exception, [e.message for e in app.exception]
    shown = " ".join(m.value for m in app.markdown)
    assert football.name not in shown
    engine = make_engine(themed_url)
    with engine.connect() as conn:
        entry = conn.execute(
            text("SELECT actor, target FROM audit_log WHERE action = 'topic.suggestion.reject'")
        ).one()
    assert tuple(entry) == ("analyst", football.name)
    again = suggest_topics(engine, _community(engine), 14, None, datetime.now(UTC))
    assert all("football" not in s.keywords for s in again.suggestions)
    assert again.rejected_before == 1
    engine.dispose()


def test_a_manager_cannot_reject_a_suggestion(themed_url):
    engine = make_engine(themed_url)
    found = suggest_topics(engine, _community(engine), 14, 3, datetime.now(UTC))
    manager = Actor("mia", Role.MANAGER)
    with pytest.raises(PermissionDenied):
        reject_suggestion(
            engine, _community(engine), found.suggestions[0], actor=manager, now=datetime.now(UTC)
        )
    engine.dispose()


def test_a_suggestion_that_is_already_a_topic_is_left_out(themed_url):
    from access.permissions import SERVER_SHELL
    from analysis.topics import TopicRule
    from dashboard.changes.topics import save_topic

    engine = make_engine(themed_url)
    community_id = _community(engine)
    keywords = _football(suggest_topics(engine, community_id, 14, 3, datetime.now(UTC))).keywords
    rule = TopicRule("sport", keywords=keywords)
    save_topic(engine, community_id, rule, None, None, actor=SERVER_SHELL, now=datetime.now(UTC))
    again = suggest_topics(engine, community_id, 14, 3, datetime.now(UTC))
    assert all("football" not in s.keywords for s in again.suggestions)
    assert again.already_topics == 1
    engine.dispose()


def test_too_few_messages_is_said_in_the_readers_language(monkeypatch, database_url):
    from data_access import accounts
    from tests.test_pages import ensure_user

    engine = make_engine(database_url)
    prepare_community(engine, "small")
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    rows = [ParsedRow(1, RawMessage("m1", hour_ago, "general", "u1", "U1", "only one message"))]
    run_import(engine, rows, ImportTarget("small", "chat", "discord"))
    ensure_user(database_url, Role.ANALYST)
    accounts.set_language(engine, "analyst", "zh_CN")
    engine.dispose()
    app = open_page(monkeypatch, database_url, "../pages/topics.py", role=Role.ANALYST)
    app.button(key="suggest-find").click().run()
    assert not app.exception, [e.message for e in app.exception]
    said = "一共只有 1 条消息，太少，找不出话题（至少需要 20 条）。"  # more days: no more
    assert said in [i.value for i in app.info]


def test_a_community_of_a_few_messages_is_told_more_days_will_not_help(monkeypatch, database_url):
    from datetime import UTC, datetime, timedelta

    from dashboard.communities import prepare_community
    from ingest.pipeline import ImportTarget, run_import
    from ingest.records import ParsedRow, RawMessage

    engine = make_engine(database_url)
    prepare_community(engine, "tiny", "none")
    start = datetime.now(UTC) - timedelta(days=3)
    rows = [
        ParsedRow(n, RawMessage(f"m{n}", start + timedelta(hours=n), "general", "ann", "Ann",
                                f"message number {n}"))
        for n in range(5)
    ]  # fmt: skip
    run_import(engine, rows, ImportTarget("tiny", "chat.csv", "chat"))
    engine.dispose()
    app = open_page(monkeypatch, database_url, "../pages/topics.py", role=Role.ANALYST)
    app.button(key="suggest-find").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert [box.value for box in app.info if "too few" in box.value] == [
        "5 messages in all: too few to find topics in (at least 20 are needed)."
    ]
