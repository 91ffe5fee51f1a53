"""Thresholds that calibrate themselves to a false-alarm budget (alerts/calibrate.py): on
a planted background of real chat, and through the worker's daily job on a database."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from alerts.backtest import backtest
from alerts.calibrate import STEPS, at_step, calibratable, calibrate
from alerts.catalog import DEFAULTS, ensure_default_rules, rules_of, save_rule
from alerts.planted.incidents import scenario
from alerts.planted.judge import EPOCH_MINUTE, metric_data
from alerts.planted.logs import read_log
from alerts.planted.traffic import read
from alerts.rules import DEFAULT_RULES
from dashboard.worker.calibration import calibrate_thresholds
from data_access import audit
from data_access.db import make_engine
from data_access.schema import Community
from tests.conftest import SHARED_DATA, unavailable
from tests.pages_fixtures import ARCHIVE_END, build_archive

SHIPPED = {r.name: r for r in DEFAULT_RULES}


@pytest.fixture(scope="module")
def planted():
    if not SHARED_DATA.is_dir():
        unavailable(f"the shared data folder {SHARED_DATA} is absent")
    log = read(read_log(SHARED_DATA / "chat" / "ubuntu_irc_sample.csv"))
    traffic, _ = scenario(log, 1400, 8)  # a noisy timeline: 7 false alarms in 3 weeks
    return metric_data(traffic)


@pytest.mark.parametrize("name", ["Volume surge", "Topic spike", "Negative-sentiment surge"])
def test_the_chosen_threshold_keeps_the_budget_on_the_history_it_was_set_on(planted, name):
    rule = SHIPPED[name]
    start, end = EPOCH_MINUTE + 14 * 1440, EPOCH_MINUTE + 35 * 1440  # three weeks
    results = backtest(rule, planted, start, end)
    found = calibrate(rule, results, 21, per_week=1.0)
    assert found.budget == 3
    chosen = found.rule
    replayed = sum(len(r.episodes) for r in backtest(chosen, planted, start, end))
    assert replayed <= 3
    assert chosen.threshold >= rule.threshold  # never more sensitive than shipped
    assert chosen.recovery_threshold / chosen.threshold == pytest.approx(
        rule.recovery_threshold / rule.threshold
    )
    # the least strict that keeps the budget: the step before it would not have
    tried = list(found.episodes)
    if len(tried) > 1:
        assert found.episodes[tried[-2]] > 3


def test_noisy_rules_are_made_stricter_and_drops_lower():
    volume = SHIPPED["Volume surge"]
    assert at_step(volume, 1.5).threshold == pytest.approx(9.0)
    assert at_step(volume, 1.5).recovery_threshold == pytest.approx(4.5)
    drop = SHIPPED["Activity drop"]
    assert at_step(drop, 2.0).threshold == pytest.approx(0.1)  # fires below: halved
    assert STEPS[0] == 1.0


def test_pinned_and_own_rules_are_never_calibrated():
    volume = SHIPPED["Volume surge"]
    assert calibratable(volume)
    assert not calibratable(replace(volume, pinned=True))
    assert not calibratable(replace(volume, name="My surge"))
    assert not calibratable(SHIPPED["Source silent"])


def test_the_worker_calibrates_a_communitys_rules_and_the_audit_says_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'calibrate.db'}"
    build_archive(url)  # three weeks of the simulated community with its incidents
    engine = make_engine(url)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id))
    ensure_default_rules(engine, community_id, ARCHIVE_END)
    topic_spike = next(r for r in _rules(engine, community_id) if r.name == "Topic spike")
    pinned = replace(topic_spike, pinned=True)  # an analyst pinned it at 6
    save_rule(engine, community_id, pinned, actor=DEFAULTS, now=ARCHIVE_END)
    # a strict budget: one episode in three weeks
    calibrate_thresholds(engine, per_week=1 / 3, now=ARCHIVE_END)
    after = {r.name: r for r in _rules(engine, community_id)}
    assert after["Topic spike"].threshold == 6.0  # pinned: never moved
    changed = {n for n, r in after.items() if r.threshold != SHIPPED[n].threshold}
    assert changed  # the archive's incidents opened more than one episode somewhere
    with engine.connect() as conn:
        log = audit.entries(conn, ARCHIVE_END - timedelta(days=1), ARCHIVE_END + timedelta(1))
    calibrated = log[log["actor"] == "calibration"]
    assert len(calibrated) == len(changed)
    for row in calibrated.itertuples():
        assert row.new_value["threshold"] != row.old_value["threshold"]
    engine.dispose()


def _rules(engine, community_id):
    with engine.connect() as conn:
        return rules_of(conn, community_id)
