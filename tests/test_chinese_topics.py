"""Topic rules on Chinese text: terms match as characters, Simplified and Traditional
alike, the same way in the preview, at import and on re-tag; the Chinese template."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import text

from analysis.topic_templates import TEMPLATES
from analysis.topics import TopicIndex, TopicRule, compile_rule, prepare
from data_access.db import make_engine
from tests.ecg_process import run_ecg

AFTER_SALES = TopicRule(
    "售后",
    keywords=("售后", "退款", "refund"),
    phrases=("微信 支付",),
    exclusions=("测试退款",),
)


@pytest.mark.parametrize(
    ("message", "matches"),
    [
        ("我要退款，东西坏了", True),  # a term anywhere in a run of characters
        ("請問售後服務電話是多少", True),  # Traditional text, Simplified keyword
        ("用微信支付的订单", True),  # a phrase's space is not needed in Chinese
        ("Refund 退货了", True),  # English keywords still whole words
        ("這只是測試退款", False),  # the exclusion, written in Simplified, in Traditional
        ("今天天气不错", False),
        ("后来我退出了", False),  # 后 alone is not 售后
    ],
)
def test_chinese_terms_match_as_characters_in_either_script(message, matches):
    assert compile_rule(AFTER_SALES).matches(message) is matches


def test_a_traditional_keyword_matches_simplified_text():
    rule = compile_rule(TopicRule("後台", keywords=("後台 當機",)))  # a phrase, Traditional
    assert rule.matches("后台当机了")
    assert not rule.matches("后台正常")


def test_the_index_gives_what_each_chinese_rule_alone_gives(shared_data):
    topics = [compile_rule(rule) for rule in (*TEMPLATES["chinese"], AFTER_SALES)]
    index = TopicIndex(topics)
    with open(shared_data / "sentiment_zh" / "waimai_10k.csv", encoding="utf-8") as handle:
        reviews = [row["review"] for row in csv.DictReader(handle)][::10]
    matched = 0
    for review in reviews:
        expected = [topic.name for topic in topics if topic.matches(review)]
        assert index.match(review) == expected
        matched += bool(expected)
    # delivery reviews talk about orders, refunds and customer service
    assert matched > len(reviews) * 0.1


GROUP_CHAT = [  # (id, text, in 售后, in 故障)
    ("m1", "大家好，我是新人", False, False),
    ("m2", "怎么申请退款？客服一直不回", True, False),
    ("m3", "App 又閃退了，打不開", False, True),
    ("m4", "售後服務太慢了", True, False),
    ("m5", "新版本好用，谢谢", False, False),
    ("m6", "the app crashed again, 要退款", True, False),
]


def test_an_import_with_the_chinese_template_tags_as_the_preview_does(database_url, tmp_path):
    export = tmp_path / "群聊.csv"
    with open(export, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["time", "user", "body", "id"])
        for n, (message_id, body, *_) in enumerate(GROUP_CHAT):
            writer.writerow([f"2026-03-02T09:{n:02d}:00Z", f"u{n % 3}", body, message_id])
    done = run_ecg(
        [
            "import",
            str(export),
            "--map",
            "timestamp=time",
            "--map",
            "author=user",
            "--map",
            "text=body",
            "--map",
            "id=id",
            "--community",
            "群",
            "--topics",
            "chinese",
        ],
        tmp_path,
        ECG_DATABASE_URL=database_url,
    )
    assert done.returncode == 0, done.stderr
    tagged = _tagged(database_url)
    assert tagged["售后"] == {m for m, _, after_sales, _ in GROUP_CHAT if after_sales}
    assert tagged["故障"] == {m for m, _, _, broken in GROUP_CHAT if broken}
    # the Topics page's preview of the same rule picks the same messages
    from dashboard.web.topic_editor import preview

    rule = next(r for r in TEMPLATES["chinese"] if r.name == "售后")
    recent = pd.DataFrame(
        {"id": [m for m, *_ in GROUP_CHAT], "text": [t for _, t, *_ in GROUP_CHAT]}
    )
    assert set(preview(rule, None, recent).matched["id"]) == tagged["售后"]
    # and every message was scored: Chinese is read, not set aside
    engine = make_engine(database_url)
    with engine.connect() as conn:
        unscored = conn.scalar(text("SELECT count(*) FROM messages WHERE sentiment IS NULL"))
    engine.dispose()
    assert unscored == 0


def test_a_chinese_rule_saved_later_retags_traditional_messages(engine):
    from access.permissions import SERVER_SHELL
    from dashboard.changes.topics import save_topic
    from dashboard.communities import prepare_community
    from ingest.pipeline import ImportTarget, run_import
    from ingest.records import ParsedRow, RawMessage

    community_id = prepare_community(engine, "main")
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    rows = [
        ParsedRow(n, RawMessage(m, at.replace(minute=n), "群", "u", "U", body))
        for n, (m, body, *_) in enumerate(GROUP_CHAT)
    ]
    run_import(engine, rows, ImportTarget("main", "wechat", "wechat"), now=at.replace(hour=10))
    result = save_topic(
        engine,
        community_id,
        TopicRule("故障", keywords=("闪退", "打不开")),
        actor=SERVER_SHELL,
        now=at.replace(hour=10),
    )
    assert (result.scanned, result.matched) == (6, 1)
    assert prepare("App 又閃退了").characters == "app又闪退了"


def _tagged(url: str) -> dict[str, set[str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.name, m.external_id FROM message_topics mt"
                " JOIN messages m ON m.id = mt.message_id JOIN topics t ON t.id = mt.topic_id"
            )
        ).all()
    engine.dispose()
    found: dict[str, set[str]] = {}
    for name, message_id in rows:
        found.setdefault(name, set()).add(message_id)
    return found
