"""Rule validation, saving with versions and audit, and who may save."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from access.permissions import Actor, PermissionDenied, Role
from alerts.catalog import ensure_default_rules, rules_of, save_rule
from alerts.cycle import evaluate_community
from alerts.delivery import notify
from alerts.notify import ContactPoint, NotificationSettings
from alerts.rules import DEFAULT_RULES, RuleValidationError, Scope, rule_from_fields
from data_access import alert_store, audit
from data_access.schema import Community
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
ANALYST = Actor("ana", Role.ANALYST)
GOOD = {
    "name": "Billing heat",
    "metric": "topic_volume",
    "condition": "zscore",
    "direction": "above",
    "threshold": "4",
    "window_minutes": "30",
    "scope": {"kind": "topic", "value": 1},
}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"window_minutes": "-15"}, "window_minutes", "between 1 and"),
        ({"threshold": "nan"}, "threshold", "finite"),
        ({"threshold": "lots"}, "threshold", "not a number"),
        ({"metric": "karma"}, "metric", "unknown metric 'karma'"),
        ({"name": "   "}, "name", "needs a name"),
        ({"window_minutes": "7.5"}, "window_minutes", "whole number"),
        ({"recovery_threshold": "5"}, "recovery_threshold", "at most 4"),
        ({"scope": {"kind": "all"}}, "scope", "needs a topic scope"),
        ({"metric": "avg_sentiment", "scope": {"kind": "all"}}, "condition", "applies to counts"),
        ({"severity": "apocalyptic"}, "severity", "unknown severity"),
        ({"min_volume": "-1"}, "min_volume", "cannot be negative"),
        ({"metric": "kind_share", "condition": "baseline_ratio"}, "scope", "needs a kind scope"),
        ({"metric": "volume", "scope": {"kind": "kind", "value": "gossip"}}, "scope", "a kind:"),
        (
            {"metric": "negative_share", "condition": "threshold", "threshold": "0.5"}
            | {"scope": {"kind": "kind", "value": "question"}},
            "metric",
            "volume or its share",
        ),
    ],
)
def test_bad_fields_are_refused_naming_the_field(change, field, words):
    with pytest.raises(RuleValidationError) as error:
        rule_from_fields(**{**GOOD, **change})
    assert error.value.field == field
    assert words in error.value.reason


def test_good_fields_make_a_rule():
    rule = rule_from_fields(**GOOD, recovery_threshold="")
    assert (rule.threshold, rule.window_minutes, rule.recovery) == (4.0, 30, 4.0)
    assert rule.scope == Scope("topic", 1)


def test_a_kind_of_message_is_a_scope_for_volume_and_share():
    fields = {**GOOD, "metric": "kind_share", "condition": "baseline_ratio"}
    rule = rule_from_fields(**fields | {"scope": {"kind": "kind", "value": "bug_report"}})
    assert rule.scope == Scope("kind", "bug_report")
    volume = rule_from_fields(**{**GOOD, "metric": "volume", "scope": rule.scope})
    assert volume.metric == "volume"


def community(engine) -> int:
    with engine.begin() as conn:
        return conn.execute(insert(Community).values(name="c").returning(Community.id)).scalar()


def test_defaults_once_then_saves_are_versioned_and_audited(any_engine):
    community_id = community(any_engine)
    assert ensure_default_rules(any_engine, community_id, NOW) == len(DEFAULT_RULES)
    assert ensure_default_rules(any_engine, community_id, NOW) == 0
    with any_engine.connect() as conn:
        surge = next(r for r in rules_of(conn, community_id) if r.name == "Volume surge")
    assert surge.version == 1 and surge.threshold == 6.0

    saved = save_rule(
        any_engine, community_id, replace(surge, threshold=8.0), actor=ANALYST, now=NOW
    )
    assert (saved.id, saved.version, saved.threshold) == (surge.id, 2, 8.0)
    with any_engine.connect() as conn:
        versions = alert_store.rule_versions(conn, surge.id)
        log = audit.entries(conn, NOW, datetime(2027, 1, 1, tzinfo=UTC), actor="ana")
    assert list(versions["version"]) == [2, 1]
    assert versions.iloc[0]["old"]["threshold"] == 6.0
    assert versions.iloc[0]["new"]["threshold"] == 8.0
    assert versions.iloc[0]["actor"] == "ana"
    assert list(log["action"]) == ["alert_rule.save"]

    with pytest.raises(RuleValidationError) as error:
        save_rule(any_engine, community_id, replace(saved, id=None), actor=ANALYST, now=NOW)
    assert error.value.field == "name"


def test_a_manager_may_not_save_a_rule(engine):
    community_id = community(engine)
    with pytest.raises(PermissionDenied):
        save_rule(engine, community_id, DEFAULT_RULES[0], actor=Actor("max", Role.MANAGER), now=NOW)
    with engine.connect() as conn:
        assert rules_of(conn, community_id) == []


def test_a_silence_keeps_the_episode_but_marks_it_silenced(engine):
    """Ten messages in a minute trip a 'more than 5 in 10 minutes' rule; a silence set
    beforehand leaves the episode in the history, marked silenced, and nothing is sent."""
    burst = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    rows = [
        ParsedRow(0, RawMessage(f"m{n}", burst + timedelta(seconds=n), "general", "u1", "U", "hi"))
        for n in range(10)
    ]
    run_import(engine, rows, ImportTarget("acme", "chat", "discord"))
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id))
    loud = rule_from_fields(
        name="Loud",
        metric="volume",
        condition="threshold",
        direction="above",
        threshold="5",
        window_minutes="10",
        severity="critical",
    )
    loud = save_rule(engine, community_id, loud, actor=ANALYST, now=NOW)
    alert_store.add_silence(
        engine,
        community_id,
        loud.id,
        None,
        burst - timedelta(hours=1),
        burst + timedelta(hours=1),
        "load test",
        actor=Actor("max", Role.MANAGER),
        now=NOW,
    )
    evaluate_community(engine, community_id, burst + timedelta(minutes=30))
    with engine.connect() as conn:
        history = alert_store.episodes(
            conn, community_id, burst - timedelta(hours=1), burst + timedelta(hours=1)
        )
    assert history[["rule_name", "silenced"]].values.tolist() == [["Loud", True]]
    # fired at the first minute whose window holds the 10 messages; resolved 10 minutes later
    assert history["started_at"].tolist() == [burst + timedelta(minutes=1)]
    assert history["ended_at"].tolist() == [burst + timedelta(minutes=11)]
    contact = ContactPoint("hook", "webhook", url="http://127.0.0.1:9/never")
    sent = notify(engine, NotificationSettings(contacts=(contact,)), burst + timedelta(minutes=30))
    assert (sent.planned, sent.sent) == (0, 0)


def test_the_baseline_a_rule_is_on_is_said_with_the_history_behind_it():
    from datetime import UTC, datetime, timedelta

    from alerts.rules import Rule
    from dashboard.web.rule_editor import baseline_note

    drop = Rule("drop", "volume", "baseline_ratio", "below", 0.2)
    first = datetime(2026, 11, 2, tzinfo=UTC)
    four_days = (first, first + timedelta(days=4) - timedelta(hours=1))
    assert baseline_note(drop, four_days) == (
        "Baseline: the same hour on the days before (4 days of history); "
        "the same hour of the week takes over after 2 weeks."
    )
    ten_weeks = (first, first + timedelta(weeks=10))
    assert baseline_note(drop, ten_weeks) == (
        "Baseline: the same hour of the week in the last 8 weeks with data."
    )
    assert baseline_note(drop, None) == "No history yet: the rule has nothing to compare with."
    negative = Rule("neg", "negative_share", "threshold", "above", 0.5)
    assert baseline_note(negative, ten_weeks) is None  # the value itself: no baseline
    spike = Rule("spike", "predicted_spike", "threshold", "above", 3.0)
    assert baseline_note(spike, ten_weeks, has_forecasts=False).startswith(
        "No forecasts yet: this rule says nothing until the worker has made them"
    )
    assert "from 3 days of the scope's history" in baseline_note(spike, ten_weeks)


def test_ecg_alerts_backtest_finds_a_burst_of_bug_reports(tmp_path, database_url):
    """tests/pages_fixtures.build_live: 60 "hello there" an hour for 8 weeks, then 12
    "the app is broken again" (bug reports) 3 minutes ago: a rule on the volume of bug
    reports fires on the burst, and on nothing else."""
    from data_access.db import make_engine
    from tests.ecg_process import run_ecg
    from tests.pages_fixtures import build_live

    # the backtest ends with the hour of the newest data, and the rule's pending period
    # must pass before then: a burst at half past an hour (in the past) leaves room
    real = datetime.now(UTC)
    now = real.replace(minute=30, second=0, microsecond=0)
    if now > real - timedelta(minutes=5):
        now -= timedelta(hours=1)
    build_live(database_url, now)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "live"))
    rule = rule_from_fields(
        name="Bug reports pile up",
        metric="volume",
        condition="threshold",
        direction="above",
        threshold="5",
        window_minutes="15",
        scope={"kind": "kind", "value": "bug_report"},
    )
    save_rule(engine, community_id, rule, actor=ANALYST, now=now)
    engine.dispose()
    done = run_ecg(
        ["alerts", "backtest", "Bug reports pile up", "--community", "live"],
        tmp_path,
        ECG_DATABASE_URL=database_url,
    )
    assert done.returncode == 0, done.stderr
    assert "kind bug report" in done.stdout
    assert "1 episode" in done.stdout


def test_an_older_communitys_shipped_rules_are_brought_up_to_this_release(tmp_path, database_url):
    """A community whose rules came from an earlier release: the rules nobody edited take
    the shipped definition (a calibrated threshold stays), an analyst's edit stays, a
    shipped rule it never had is added, one an analyst renamed is not added back. Seen
    through `ecg alerts list`, as a user upgrading would."""
    from data_access.db import make_engine
    from tests.ecg_process import run_ecg

    engine = make_engine(database_url)
    community_id = prepare_old_community(engine)
    done = run_ecg(["alerts", "list", "--community", "c"], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        rules = {rule.name: rule for rule in rules_of(conn, community_id)}
        log = audit.entries(conn, NOW + timedelta(days=2), datetime(2100, 1, 1, tzinfo=UTC))
    engine.dispose()
    shipped = {rule.name: rule for rule in DEFAULT_RULES}
    share = rules["Topic share surge"]  # saved by the defaults of an older release
    assert (share.threshold, share.recovery_threshold, share.min_volume) == (1.2, 1.0, 15)
    assert share.version == 2
    surge = rules["Volume surge"]  # calibrated: its threshold stays, the rest is shipped
    assert (surge.threshold, surge.recovery_threshold) == (9.0, 4.5)
    assert surge.for_minutes == shipped["Volume surge"].for_minutes and surge.version == 3
    assert rules["Topic spike"].threshold == 5.0  # an analyst's: untouched
    assert rules["Topic spike"].version == 2
    assert "Source silent" in rules  # new in a later release: added
    assert "Predicted topic spike" not in rules  # renamed by the analyst: not added back
    assert "Forecast heads-up" in rules
    assert "Topic share surge [warning, enabled, v2]" in done.stdout
    upgrades = dict(zip(log["target"], log["actor"], strict=True))  # the upgrade, audited
    assert upgrades == {
        "Source silent": alert_store.DEFAULTS_AUTHOR,
        "Topic share surge": alert_store.DEFAULTS_AUTHOR,
        "Volume surge": "calibration",
    }
    # and running again changes nothing
    again = run_ecg(["alerts", "list", "--community", "c"], tmp_path, ECG_DATABASE_URL=database_url)
    assert again.stdout == done.stdout


def prepare_old_community(engine) -> int:
    """Rules as an earlier release left them (see the test above)."""
    from alerts.catalog import CALIBRATION, DEFAULTS
    from analysis.topic_templates import template
    from data_access.communities import community_id_of
    from data_access.setup import init_database, seed_topics
    from data_access.topics import rule_values

    init_database(engine)
    seed_topics(engine, "c", [rule_values(rule) for rule in template("software")])
    community_id = community_id_of(engine, "c")
    old = {rule.name: rule for rule in DEFAULT_RULES if rule.name != "Source silent"}
    old["Topic share surge"] = replace(
        old["Topic share surge"], threshold=2.0, recovery_threshold=1.5, min_volume=20
    )
    old["Volume surge"] = replace(old["Volume surge"], for_minutes=5)
    saved = {
        name: save_rule(engine, community_id, rule, actor=DEFAULTS, now=NOW)
        for name, rule in old.items()
    }
    at = NOW + timedelta(days=1)
    surge = replace(saved["Volume surge"], threshold=9.0, recovery_threshold=4.5)
    save_rule(engine, community_id, surge, actor=CALIBRATION, now=at)
    save_rule(
        engine, community_id, replace(saved["Topic spike"], threshold=5.0), actor=ANALYST, now=at
    )
    renamed = replace(saved["Predicted topic spike"], name="Forecast heads-up")
    save_rule(engine, community_id, renamed, actor=ANALYST, now=at)
    return community_id


def test_the_backtest_table_counts_an_open_episode_up_to_the_replay_end():
    """An episode still firing at the end of the replay shows its minutes so far (the
    Thresholds page showed "None"), a closed one its own length."""
    import pandas as pd

    from alerts.backtest import ScopeBacktest
    from alerts.evaluate import Episode
    from dashboard.web.rule_editor import episodes_frame
    from data_access.alert_data import minute_of

    until = datetime(2026, 12, 7, 4, tzinfo=UTC)
    start = minute_of(until) - 300
    episodes = [
        Episode(start - 600, start - 540, start - 610, 4.0, 4.0),
        Episode(start, None, start, 3.0, 3.0),
    ]
    result = ScopeBacktest("topic:7", "topic security", episodes, pd.DataFrame())
    frame = episodes_frame([result], "Asia/Shanghai", until)
    assert list(frame["minutes"]) == [60, 300]
    assert frame["end"].isna().tolist() == [False, True]
    assert frame["start"][1] == pd.Timestamp("2026-12-07 07:00", tz="Asia/Shanghai")


def test_an_episodes_peak_reads_as_its_metric():
    """The Alerts page's peak column mixed a topic share (0.678), a count (226) and a
    forecast ratio (3.074) as bare numbers; each now reads in its metric's unit."""
    from dashboard.i18n import speaking
    from dashboard.web.rule_editor import value_text

    assert value_text("topic_share", 0.678) == "67.8%"
    assert value_text("negative_share", 0.3312) == "33.1%"
    assert value_text("volume", 1226.0) == "1,226"
    assert value_text("silent_sources", 1.0) == "1"
    assert value_text("avg_sentiment", -0.4567) == "-0.457"
    assert value_text("predicted_spike", 3.074) == "3.07×"
    assert value_text("emerging_term", 7.456) == "7.46"
    assert value_text(None, 0.12345) == "0.123"  # its rule deleted since: as stored
    assert value_text("volume", float("nan")) == ""
    with speaking("zh_CN"):
        assert value_text("kind_share", 0.25) == "25.0%"
