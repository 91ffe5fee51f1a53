"""Emerging terms: shrinkage by hand, and a planted burst of a new word inside real chat."""

from __future__ import annotations

import csv
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from analysis.emerging import (
    BASELINE_HOURS,
    PRIOR,
    emerging_terms,
    message_terms,
)
from dashboard.communities import prepare_community
from dashboard.emerging_now import emerging_now
from data_access.db import make_engine
from data_access.schema import Community
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage

NOW_HOUR = 500_000


ZORBLAX_BURST = [
    (f"p{n % 6}", text)
    for n, text in enumerate(
        [
            "anyone else getting the zorblax error on startup?",
            "zorblax again, the build is stuck",
            "same zorblax here after the update",
            "is zorblax a known issue?",
            "zorblax on my laptop too",
            "I see zorblax when I open a file",
            "zorblax zorblax zorblax",
            "any fix for zorblax yet?",
            "zorblax after the upgrade, on linux",
            "rolled back, no more zorblax",
            "the zorblax bug is back",
            "got zorblax in the repl",
        ]
    )
]


def test_message_terms_are_words_and_english_pairs_each_once():
    assert message_terms("Refund scam? The refund SCAM again") == {
        "refund",
        "scam",
        "refund scam",
        "scam refund",  # stopwords ("the", "again") are not terms and make no pair
    }
    assert message_terms("退款太慢") == {"退款", "款太", "太慢"}  # pairs, no single characters


def test_a_word_seen_a_few_times_never_emerges_and_everyday_words_need_a_real_rise():
    counts = Counter({(NOW_HOUR, "zorblax"): 4})  # new, but only 4 messages
    assert emerging_terms(counts, NOW_HOUR, {"zorblax": 4}) == []
    counts[(NOW_HOUR, "zorblax")] = 12
    (found,) = emerging_terms(counts, NOW_HOUR, {"zorblax": 6})
    # expected 0: ratio (12 + 3) / (0 + 3) = 5, z = 12 / sqrt(3)
    assert (found.recent, found.expected, found.ratio) == (12, 0.0, 5.0)
    assert found.z == pytest.approx(12 / PRIOR**0.5, abs=0.01)
    assert emerging_terms(counts, NOW_HOUR, {"zorblax": 2}) == []  # two people: a chat
    # "python" is said 10 times an hour every hour: 60 in 6 hours is usual, 90 is not 4x
    everyday = Counter({(h, "python"): 10 for h in range(NOW_HOUR - BASELINE_HOURS - 6, NOW_HOUR)})
    for h in range(NOW_HOUR - 5, NOW_HOUR + 1):
        everyday[(h, "python")] = 15
    assert emerging_terms(everyday, NOW_HOUR, {"python": 40}) == []


def _real_chat(shared_data, count: int) -> list[str]:
    with open(shared_data / "chat" / "matrix_array_languages.csv", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle) if row["text"].strip()]
    random.Random(7).shuffle(texts)  # shuffled: a quiet background, no conversation bursts
    return texts[:count]


def _community(url: str, texts: list[str], burst: list[tuple[str, str]], now: datetime) -> int:
    engine = make_engine(url)
    prepare_community(engine, "chat")
    span = timedelta(days=8)
    rows = [
        RawMessage(
            f"bg{n}",
            now - span + span * n / len(texts),
            "general",
            f"u{n % 40}",
            f"U{n % 40}",
            text,
        )
        for n, text in enumerate(texts)
    ]
    rows += [
        RawMessage(
            f"burst{n}", now - timedelta(minutes=50 - 4 * n), "general", author, author, text
        )
        for n, (author, text) in enumerate(burst)
    ]
    run_import(
        engine,
        [ParsedRow(n, m) for n, m in enumerate(rows, 1)],
        ImportTarget("chat", "chat", "discord"),
    )
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "chat"))
    engine.dispose()
    return community_id


def test_a_planted_burst_of_a_new_word_surfaces_within_the_hour(shared_data, database_url):
    now = datetime.now(UTC).replace(microsecond=0)
    burst = ZORBLAX_BURST
    community_id = _community(database_url, _real_chat(shared_data, 6000), burst, now)
    found = emerging_now(make_engine(database_url), community_id, now)
    assert found.terms, "nothing emerged"
    top = found.terms[0]
    assert top.term == "zorblax"
    assert (top.recent, top.authors) == (12, 6)
    assert len(found.samples["zorblax"]) == 3
    # the window's 6 hours (from the start of the hour 5 hours ago) and the week before
    start = found.window_start - timedelta(hours=BASELINE_HOURS)
    span = timedelta(days=8)
    background = sum(now - span + span * n / 6000 >= start for n in range(6000))
    assert found.messages == background + 12


def test_a_quiet_background_has_nothing_emerging(shared_data, database_url):
    now = datetime.now(UTC).replace(microsecond=0)
    community_id = _community(database_url, _real_chat(shared_data, 6000), [], now)
    found = emerging_now(make_engine(database_url), community_id, now)
    assert [t.term for t in found.terms] == []


def test_topic_heat_shows_what_is_emerging_and_makes_it_a_topic(
    monkeypatch, shared_data, database_url
):
    from tests.test_pages import open_page

    now = datetime.now(UTC).replace(microsecond=0)
    said = [
        "zorblax is down for me",
        "anyone else seeing zorblax fail?",
        "zorblax again this morning",
        "is zorblax broken for everyone",
        "yes zorblax here as well",
        "restarting does not fix zorblax",
        "zorblax, still",
        "they posted about zorblax on the status page",
        "my zorblax works now",
        "zorblax back for me",
    ]
    burst = [(f"p{n % 5}", text) for n, text in enumerate(said)]
    _community(database_url, _real_chat(shared_data, 3000), burst, now)
    app = open_page(monkeypatch, database_url, "../pages/topic_heat.py")
    table = next(frame.value for frame in app.dataframe if "× usual" in frame.value.columns)
    assert table["term"].tolist() == ["zorblax"]
    assert table["people"].tolist()[0] == 5
    app.selectbox(key="emerging-term").set_value("zorblax").run()
    app.button(key="emerging-make-topic").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert app.session_state["topic-choice"] == "➕ New topic"
    assert app.session_state["topic-➕ New topic-keywords"] == "zorblax"


def _new_word_rule(engine, community_id, now):
    from access.permissions import Actor, Role
    from alerts.catalog import save_rule
    from alerts.rules import rule_from_fields

    rule = rule_from_fields(
        name="A new word",
        metric="emerging_term",
        condition="threshold",
        direction="above",
        threshold="6",
        for_minutes="0",
        min_volume="5",
    )
    return save_rule(engine, community_id, rule, actor=Actor("ana", Role.ANALYST), now=now)


@pytest.mark.parametrize("planted", [True, False])
def test_the_emerging_term_rule_fires_on_a_new_word_and_names_it(
    shared_data, database_url, tmp_path, planted
):
    """The worker's snapshot of what is emerging, then `ecg alerts evaluate` as a user
    runs it: a rule on the emerging-term metric opens one episode named after the word
    (zorblax: 12 messages against none usual, z = 12 / sqrt(3) = 6.9 > 6); on the same
    background without the burst it opens none."""
    from dashboard.worker.emerging import record_emerging_terms
    from data_access import alert_store
    from tests.ecg_process import run_ecg

    now = datetime.now(UTC).replace(microsecond=0)
    burst = ZORBLAX_BURST if planted else []
    community_id = _community(database_url, _real_chat(shared_data, 6000), burst, now)
    engine = make_engine(database_url)
    record_emerging_terms(engine, now)
    rule = _new_word_rule(engine, community_id, now)
    done = run_ecg(
        ["alerts", "evaluate", "--community", "chat"], tmp_path, ECG_DATABASE_URL=database_url
    )
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        # up to the end of now's minute: an episode starts at the start of its minute, which
        # is `now` itself when now falls on a whole minute (and [start, end) leaves it out)
        end = now + timedelta(minutes=1)
        episodes = alert_store.episodes(conn, community_id, now - timedelta(days=8), end, False)
    engine.dispose()
    ours = episodes[episodes["rule_name"] == rule.name]
    if planted:
        assert list(ours["scope_label"]) == ["terms zorblax"]
        assert ours["peak_value"].iloc[0] == pytest.approx(12 / PRIOR**0.5, abs=0.01)
    else:
        assert ours.empty


def test_the_emerging_term_metric_reads_the_newest_fresh_snapshot():
    import numpy as np
    import pandas as pd

    from alerts.emerging_scores import FRESH_MINUTES, emerging_series, strongest_terms
    from alerts.rules import RuleValidationError, Scope, rule_from_fields
    from alerts.windows import MetricData

    snapshots = pd.DataFrame(
        {
            "minute": [100, 100, 115, 130],
            "term": ["zorblax", "refund scam", None, "outage"],
            "z": [6.9, 4.2, 0.0, 8.0],
            "recent": [12, 7, 0, 20],
        }
    )
    empty = pd.DataFrame()
    data = MetricData(0, 300, empty, empty, empty, empty, emerging=snapshots)
    rule = rule_from_fields(
        name="n", metric="emerging_term", condition="threshold", direction="above", threshold="6"
    )
    frame = emerging_series(rule, Scope(), data, 99, 100 + 30 + FRESH_MINUTES + 2)
    value = dict(zip(frame["minute"], frame["value"], strict=True))
    assert np.isnan(value[99])  # before any snapshot: no data
    assert value[100] == 6.9 and value[114] == 6.9  # the strongest of the snapshot at 100
    assert value[115] == 0.0  # the worker looked at 115 and nothing was emerging
    assert value[130] == 8.0 and value[130 + FRESH_MINUTES] == 8.0
    assert np.isnan(value[130 + FRESH_MINUTES + 1])  # stale: the worker stopped looking
    guard = dict(zip(frame["minute"], frame["guard"], strict=True))
    assert guard[100] == 12 and guard[130] == 20
    assert strongest_terms(data, 110) == ["zorblax", "refund scam"]
    assert strongest_terms(data, 120) == []
    # before the worker's first snapshot (a new rule, a backtest of older days): no data
    # (this failed the whole alert cycle with an IndexError)
    never = MetricData(0, 300, empty, empty, empty, empty, emerging=snapshots.iloc[0:0])
    frame = emerging_series(rule, Scope(), never, 99, 102)
    assert np.isnan(frame["value"]).all() and list(frame["guard"]) == [0.0, 0.0, 0.0]
    with pytest.raises(RuleValidationError, match="whole community"):
        rule_from_fields(
            name="n", metric="emerging_term", condition="threshold", direction="above",
            threshold="6", scope={"kind": "each_topic"},
        )  # fmt: skip
    with pytest.raises(RuleValidationError, match="threshold to rise above"):
        rule_from_fields(
            name="n", metric="emerging_term", condition="threshold", direction="below",
            threshold="6",
        )  # fmt: skip
