"""Topic rules: matching, validation, and re-tagging past messages on save."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import select, text

from access.permissions import SERVER_SHELL
from analysis.topics import TopicRule, TopicRuleError, compile_rule, match_topics, validate
from dashboard.changes.topics import delete_topic, save_topic
from dashboard.communities import prepare_community
from data_access.schema import Community, Topic
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage

NOW = datetime(2026, 3, 3, tzinfo=UTC)
BILLING = TopicRule(
    "billing",
    keywords=("invoice", "refund"),
    phrases=("credit card",),
    patterns=(r"charged\s+twice",),
    exclusions=("gift card",),
)


@pytest.mark.parametrize(
    ("message", "matches"),
    [
        ("Where is my INVOICE?", True),
        ("refund please", True),
        ("my Credit  Card was declined", True),  # phrases allow any spacing and case
        ("I was charged twice", True),
        ("invoicing is fine", False),  # keywords are whole words
        ("refund my gift card", False),  # an exclusion wins
        ("the weather is nice", False),
    ],
)
def test_rule_matching(message, matches):
    assert compile_rule(BILLING).matches(message) is matches


def test_a_message_can_have_several_topics():
    bugs = compile_rule(TopicRule("bugs", keywords=("crash",)))
    assert match_topics(
        "refund me, the app crash ate my invoice", [compile_rule(BILLING), bugs]
    ) == ["billing", "bugs"]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (TopicRule("  ", keywords=("x",)), "name"),
        (TopicRule("empty"), "keywords"),
        (TopicRule("bad", patterns=("([unclosed",)), "patterns"),
        (TopicRule("colour", keywords=("x",), colour="red"), "colour"),
    ],
)
def test_validation_names_the_field(rule, field):
    with pytest.raises(TopicRuleError) as caught:
        validate(rule)
    assert caught.value.field == field


def _messages(texts: list[str]) -> list[ParsedRow]:
    rows = []
    for n, body in enumerate(texts):
        sent_at = datetime(2026, 3, 2, 9 + n % 3, n, tzinfo=UTC)
        message = RawMessage(f"id{n}", sent_at, f"room{n % 2}", f"user{n % 4}", f"User {n}", body)
        rows.append(ParsedRow(n + 2, message))
    return rows


TEXTS = [
    "where is my invoice",
    "the app crashed",
    "refund please",
    "hello all",
    "invoice and refund",
    "I need help with setup",
    "the invoice is wrong again",
    "nice weather",
    "crash on refund screen",
    "thanks!",
]


def test_editing_a_rule_retags_past_messages_and_rebuilds_its_rollups(any_engine):
    prepare_community(any_engine, "main")
    run_import(any_engine, _messages(TEXTS), ImportTarget("main", "chat", "chat"))
    with any_engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "main"))
        billing_id = conn.scalar(select(Topic.id).where(Topic.name == "billing"))
    assert _tagged(any_engine, billing_id) == {"id0", "id2", "id4", "id6", "id8"}

    edited = TopicRule("billing", keywords=("invoice",), exclusions=("wrong",))
    progress: list[tuple[int, int]] = []
    result = save_topic(
        any_engine,
        community_id,
        edited,
        billing_id,
        lambda done, total: progress.append((done, total)),
        actor=SERVER_SHELL,
        now=NOW,
    )

    assert (result.scanned, result.matched) == (10, 2)
    assert progress[-1] == (10, 10)
    assert _tagged(any_engine, billing_id) == {"id0", "id4"}
    stored, recount = _topic_rollup_and_recount(any_engine, billing_id)
    # id0 at 09:00 in room0 and id4 at 10:04 in room0, by different users
    assert stored == recount == [("room0", 9, 1, 1), ("room0", 10, 1, 1)]
    assert _topic_totals(any_engine, billing_id) == [(9, 1), (10, 1)]


def test_a_new_topic_tags_the_past_and_can_be_deleted(engine):
    prepare_community(engine, "main")
    run_import(engine, _messages(TEXTS), ImportTarget("main", "chat", "chat"))
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "main"))
    result = save_topic(
        engine,
        community_id,
        TopicRule("weather", keywords=("weather",)),
        actor=SERVER_SHELL,
        now=NOW,
    )
    assert _tagged(engine, result.topic_id) == {"id7"}
    with pytest.raises(TopicRuleError, match="already exists"):
        save_topic(
            engine,
            community_id,
            TopicRule("weather", keywords=("rain",)),
            actor=SERVER_SHELL,
            now=NOW,
        )
    delete_topic(engine, result.topic_id, actor=SERVER_SHELL, now=NOW)
    with engine.connect() as conn:
        assert (
            conn.scalar(
                text("SELECT count(*) FROM topic_hourly WHERE topic_id = :t"),
                {"t": result.topic_id},
            )
            == 0
        )
    assert _topic_totals(engine, result.topic_id) == []


def _topic_totals(engine, topic_id: int) -> list[tuple[int, int]]:
    """(UTC hour of day, messages) of the topic's totals over all channels."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT hour, messages FROM topic_totals WHERE topic_id = :t ORDER BY hour"),
            {"t": topic_id},
        )
        return [(pd.Timestamp(hour).hour, messages) for hour, messages in rows]


def _tagged(engine, topic_id: int) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT m.external_id FROM message_topics mt"
                " JOIN messages m ON m.id = mt.message_id"
                " WHERE mt.topic_id = :t"
            ),
            {"t": topic_id},
        )
        return {row[0] for row in rows}


def _topic_rollup_and_recount(engine, topic_id: int):
    with engine.connect() as conn:
        stored = pd.read_sql(
            text(
                "SELECT c.name, th.hour, th.messages, th.active_authors FROM topic_hourly th"
                " JOIN channels c ON c.id = th.channel_id WHERE th.topic_id = :t"
                " ORDER BY c.name, th.hour"
            ),
            conn,
            params={"t": topic_id},
        )
        recount = pd.read_sql(
            text(
                "SELECT c.name, m.hour, count(*) AS messages,"
                " count(DISTINCT m.member_id) AS authors"
                " FROM message_topics mt JOIN messages m ON m.id = mt.message_id"
                " JOIN channels c ON c.id = m.channel_id WHERE mt.topic_id = :t"
                " GROUP BY c.name, m.hour ORDER BY c.name, m.hour"
            ),
            conn,
            params={"t": topic_id},
        )

    def rows(frame):
        return [
            (r[0], pd.Timestamp(r[1]).hour, int(r[2]), int(r[3]))
            for r in frame.itertuples(index=False)
        ]

    return rows(stored), rows(recount)


def test_the_index_gives_exactly_what_each_rule_alone_gives(shared_data):
    import csv

    from analysis.topics import DEFAULT_TOPICS, TopicIndex

    rules = [*DEFAULT_TOPICS, BILLING, TopicRule("v", patterns=(r"\bv\d",), exclusions=("vim",))]
    topics = [compile_rule(rule) for rule in rules]
    index = TopicIndex(topics)
    with open(shared_data / "chat" / "matrix_array_languages.csv", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)][:5000]
    matched = 0
    for message in texts:
        expected = [topic.name for topic in topics if topic.matches(message)]
        assert index.match(message) == expected
        matched += bool(expected)
    assert matched > 500


@pytest.mark.parametrize(
    ("message", "is_release"),
    [
        ("v2.3 is out", True),
        ("upgraded to 1.12.4 and it works", True),
        ("the changelog is long", True),  # a keyword
        ("a 3.9, for others its a 4.0", False),  # grade averages, not versions
        ("it costs 4.50 a month", False),
        ("scored 1400 on the SAT", False),
    ],
)
def test_the_releases_topic_matches_versions_not_plain_numbers(message, is_release):
    from analysis.topics import DEFAULT_TOPICS, compile_rule, prepare

    releases = compile_rule(next(rule for rule in DEFAULT_TOPICS if rule.name == "releases"))
    assert releases.matches(prepare(message)) is is_release
