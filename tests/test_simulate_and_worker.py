"""The simulated community and the worker that keeps the demo live."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from analysis.sentiment import analyse
from analysis.topics import DEFAULT_TOPICS, compile_rule
from dashboard.communities import DEMO_COMMUNITY, DEMO_SPEC, simulate
from dashboard.worker.demo import append_demo_messages
from dashboard.worker.scheduler import run_worker
from ingest.simulate import DEMO_SOURCES, CommunitySpec, Incident, simulate_source

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


def _messages(spec, hours, start=START):
    return [
        m
        for source in spec.sources
        for m in simulate_source(spec, source, start, start + timedelta(hours=hours))
    ]


def test_same_seed_same_messages_however_the_window_is_cut():
    spec = CommunitySpec(seed=11)
    whole = _messages(spec, 6)
    halves = _messages(spec, 3) + _messages(spec, 3, START + timedelta(hours=3))
    assert sorted(m.external_id for m in whole) == sorted(m.external_id for m in halves)
    assert {m.external_id: m for m in whole} == {m.external_id: m for m in halves}
    assert _messages(CommunitySpec(seed=12), 6) != whole


def test_shape_of_the_community():
    spec = CommunitySpec(seed=5, messages_per_hour=100)
    week = _messages(spec, 24 * 7)
    weekday = [m for m in week if m.sent_at.weekday() < 5]
    weekend = [m for m in week if m.sent_at.weekday() >= 5]
    assert len(weekday) / 5 > 1.4 * len(weekend) / 2  # quieter weekends (0.6×)
    afternoon = sum(1 for m in weekday if 13 <= m.sent_at.hour < 17)
    night = sum(1 for m in weekday if 1 <= m.sent_at.hour < 5)
    assert afternoon > 2.5 * night  # a daily rhythm peaking at 15:00 UTC
    authors = {}
    for m in week:
        authors[m.author_id] = authors.get(m.author_id, 0) + 1
    counts = sorted(authors.values(), reverse=True)
    assert sum(counts[: len(counts) // 10]) > 0.3 * len(week)  # heavy-tailed activity
    assert any(m.is_bot for m in week)
    assert {m.channel for m in week} == {c for s in DEMO_SOURCES for c in s.channels}


def test_a_topic_spike_floods_its_topic_with_negative_messages():
    spike = Incident("topic_spike", START + timedelta(hours=14), 2, 10.0, "billing")
    calm = _messages(CommunitySpec(seed=5), 24)
    spiked = _messages(CommunitySpec(seed=5, incidents=(spike,)), 24)
    outside = [m for m in spiked if not spike.covers(m.sent_at)]
    assert outside == [m for m in calm if not spike.covers(m.sent_at)]  # nothing else moves
    billing = compile_rule(next(rule for rule in DEFAULT_TOPICS if rule.name == "billing"))

    def negative_billing(messages):
        return [
            m
            for m in messages
            if spike.covers(m.sent_at)
            and billing.matches(m.text)
            and (analyse(m.text).compound or 0) <= -0.05
        ]

    assert len(negative_billing(spiked)) > 4 * max(1, len(negative_billing(calm)))


def test_quiet_incident_scales_activity_down():
    quiet = Incident("quiet", START + timedelta(hours=12), 4, 0.05)
    spec = CommunitySpec(seed=5, messages_per_hour=200, incidents=(quiet,))
    during = [m for m in _messages(spec, 24) if quiet.covers(m.sent_at)]
    assert len(during) < 0.15 * 200 * 4


def test_worker_appends_the_demo_up_to_now_and_never_twice(engine):
    now = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)
    simulate(engine, DEMO_COMMUNITY, now - timedelta(hours=6), now, DEMO_SPEC)
    later = now + timedelta(minutes=45)
    added = append_demo_messages(engine, later)
    expected = _messages(DEMO_SPEC, 2, now.replace(minute=0))
    expected = [m for m in expected if now <= m.sent_at < later]
    assert added == len(expected) > 0
    assert append_demo_messages(engine, later) == 0
    with engine.connect() as conn:
        stored = conn.scalar(
            text("SELECT count(*) FROM messages WHERE sent_at >= :t"),
            {"t": now.replace(tzinfo=None)},
        )
    assert stored == added


def test_worker_without_a_demo_does_nothing_and_stops_on_request(engine):
    assert append_demo_messages(engine, datetime(2026, 3, 2, tzinfo=UTC)) == 0
    stop = threading.Event()
    ticks = []

    def clock():
        ticks.append(1)
        if len(ticks) == 3:
            stop.set()
        return datetime(2026, 3, 2, tzinfo=UTC)

    run_worker(engine, 0.01, demo=True, stop=stop, clock=clock)
    assert len(ticks) == 3


def test_one_communitys_failing_job_leaves_the_others_their_turn(engine, monkeypatch, caplog):
    """A defect one community's data brings out is logged with its name; the communities
    after it are still evaluated (the whole job used to stop at the first failure)."""
    import dashboard.worker.alerts as alert_job
    from dashboard.communities import prepare_community

    for name in ("acme", "broken", "zeta"):
        prepare_community(engine, name)
    evaluated, real = [], alert_job.evaluate_community

    def evaluate(engine, community_id, now):
        with engine.connect() as conn:
            name = conn.scalar(text(f"SELECT name FROM communities WHERE id = {community_id}"))
        if name == "broken":
            raise IndexError("index 0 is out of bounds")
        evaluated.append(name)
        return real(engine, community_id, now)

    monkeypatch.setattr(alert_job, "evaluate_community", evaluate)
    alert_job.evaluate_alerts(engine, datetime.now(UTC))
    assert evaluated == ["acme", "zeta"]
    failures = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.getMessage() for r in failures] == ["alerts of broken failed; will try again"]
    assert "IndexError: index 0 is out of bounds" in caplog.text  # with its traceback


def test_a_community_made_between_loops_is_counted_at_the_next_one(engine):
    """An import makes a community: its forecasts, weekly figures and member weeks are due
    at the worker's next loop (10 s), not up to 15 minutes later (the Members page said
    'no member weeks yet' meanwhile)."""
    from dashboard.communities import prepare_community
    from dashboard.worker.scheduler import (
        KEEP_EVERYTHING,
        NO_NOTIFICATIONS,
        NO_REPORT_MAIL,
        Schedule,
    )

    def counting(schedule: Schedule, at: datetime) -> list[str]:
        jobs = schedule.jobs(engine, at, lambda *_: None)
        return [name for name, _job, _args in jobs if name != "notifications"]

    prepare_community(engine, "acme")
    schedule = Schedule(
        False, timedelta(minutes=15), timedelta(minutes=1), NO_NOTIFICATIONS, NO_REPORT_MAIL,
        "UTC", KEEP_EVERYTHING, 60.0,
    )  # fmt: skip
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    first = counting(schedule, start)
    assert {"forecast", "weekly figures", "member weeks"} <= set(first)
    assert counting(schedule, start + timedelta(seconds=10)) == []
    prepare_community(engine, "产品群")
    assert counting(schedule, start + timedelta(seconds=20)) == [
        "forecast",
        "weekly figures",
        "member weeks",
    ]
    assert counting(schedule, start + timedelta(seconds=30)) == []
