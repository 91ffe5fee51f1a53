"""The Thresholds and Alerts pages, crisis shading and the critical banner, under AppTest."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import delete, select

from access.permissions import Role
from alerts.cycle import evaluate_community
from data_access import alert_store, audit
from data_access.db import make_engine
from data_access.schema import Community, Topic
from tests.pages_fixtures import ARCHIVE_END, build_archive
from tests.test_pages import charts, choose_days, open_page, trace, values

BURST = ARCHIVE_END - timedelta(days=1) + timedelta(hours=15)  # the outage: 1 hour, 6x volume


@pytest.fixture(scope="module")
def archive(module_database_url):
    """The page tests' three-week archive, with the live evaluator run 40 minutes into the
    outage burst (so an episode of Volume surge is open, and the week before is on record)."""
    url = module_database_url
    build_archive(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id))
    evaluate_community(engine, community_id, BURST + timedelta(minutes=40))
    engine.dispose()
    return url


def problems(app) -> list[str]:
    """Error boxes other than the critical-alert banner."""
    shown = [e.value.replace("\\", "") for e in app.error]  # markdown escapes
    return [text for text in shown if not text.startswith("Critical alert firing")]


def text_input(app, label):
    return next(t for t in app.text_input if t.label == label)


def open_episodes(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        firing = alert_store.episodes(conn, 1, BURST, BURST, only_open=True)
    engine.dispose()
    return firing


def opened_at(url) -> datetime:
    """When Volume surge fired: the first evaluation replays the last 7 days, so the episode
    starts where the outage put it, 10 minutes (the pending period) after the 30-minute
    window crossed the line, within half an hour of the burst."""
    engine = make_engine(url)
    with engine.connect() as conn:
        firing = alert_store.episodes(conn, 1, BURST, BURST, only_open=True)
        (started,) = firing.loc[firing["rule_name"] == "Volume surge", "started_at"]
    engine.dispose()
    assert BURST + timedelta(minutes=10) <= started <= BURST + timedelta(minutes=30)
    return started


def test_thresholds_page_previews_an_edit_beside_the_saved_rule(monkeypatch, archive):
    app = open_page(monkeypatch, archive, "../pages/thresholds.py", role=Role.ANALYST)
    # it opens on the first rule, its preview drawn at once
    assert app.selectbox[0].value == app.selectbox[0].options[0] != "➕ New rule"
    assert len(charts(app)) == 1
    app.selectbox[0].set_value("➕ New rule").run()
    assert "Name the rule" in app.info[0].value  # a new rule asks for a name first
    app.selectbox[0].set_value("Volume surge").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Episodes"] == "1"  # the outage, once, in the 21 days of the archive
    # 21 days of history: three whole weeks for the same hour of the week
    notes = [c.value for c in app.caption]
    assert "Baseline: the same hour of the week in the last 3 weeks with data." in notes
    (calibrated,) = [n for n in notes if n.startswith("Calibrated: each day the worker sets")]
    assert "would have fired at most 1 time a week;" in calibrated  # the default budget
    (chart,) = charts(app)
    shapes = chart["layout"]["shapes"]
    assert len(shapes) == 2  # the edited rule's episode and the saved one's: the same
    assert BURST < pd.Timestamp(shapes[0]["x0"]) < BURST + timedelta(hours=1)  # in the outage
    assert {"edited threshold", "saved threshold"} <= {t["name"] for t in chart["data"]}
    (episodes,) = [d.value for d in app.dataframe if "peak" in d.value.columns]
    (started,) = episodes["start"]  # written as the Alerts page writes times, in UTC here
    assert started == pd.Timestamp(shapes[0]["x0"]).strftime("%Y-%m-%d %H:%M")
    assert len(started) == 16

    text_input(app, "Threshold").set_value("nan").run()
    assert problems(app) == ["Must be a finite number"]
    text_input(app, "Threshold").set_value("6").run()
    text_input(app, "Window (minutes)").set_value("-15").run()
    assert problems(app) == ["Between 1 and 10080 minutes"]
    text_input(app, "Window (minutes)").set_value("30").run()

    text_input(app, "Threshold").set_value("2").run()  # two sigma: fires far more often
    assert problems(app) == ["Must be on the recovered side: at most 2"]  # recovery was 3
    text_input(app, "Recovery threshold (blank: the threshold)").set_value("1").run()
    # a threshold set by hand is pinned: calibration will leave it
    assert "Pinned: calibration leaves this threshold as set." in [c.value for c in app.caption]
    metrics = {m.label: (m.value, m.proto.delta) for m in app.metric}
    episodes, delta = metrics["Episodes"]
    assert int(episodes) > 1 and delta == str(int(episodes) - 1)

    app.button[0].click().run()  # Save rule
    assert "as version 2" in app.success[0].value
    engine = make_engine(archive)
    with engine.connect() as conn:
        log = audit.entries(
            conn, datetime(2026, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(1), "analyst"
        )
    assert list(log["actor"]) == ["analyst"] and list(log["action"]) == ["alert_rule.save"]
    assert (
        log.iloc[0]["old_value"]["threshold"] == 6.0
        and log.iloc[0]["new_value"]["threshold"] == 2.0
    )
    assert log.iloc[0]["new_value"]["pinned"] is True


def test_alerts_page_shows_the_episode_its_evidence_and_acknowledges(monkeypatch, archive):
    app = open_page(monkeypatch, archive, "../pages/alerts.py", role=Role.MANAGER)
    # the banner: critical alerts are open; the outage's messages are also negative, so
    # the negative share (twice its usual and more) fires beside the volume
    (banner,) = [e.value.replace("\\", "") for e in app.error]
    assert banner.startswith("Critical alert firing: ")
    assert "Volume surge on everything" in banner
    assert "Negative-sentiment surge on everything" in banner
    choose_days(app, date(2026, 2, 27), date(2026, 2, 28))
    assert app.subheader[0].value == "Firing now: 2"
    firing = open_episodes(archive)
    # each peak as its metric reads: the volume's a count, the negative share's a share
    shown = app.dataframe[0].value.set_index("rule")["peak"]
    stored = firing.set_index("rule_name")["peak_value"]
    assert shown["Volume surge"] == f"{stored['Volume surge']:,.0f}"
    assert shown["Negative-sentiment surge"] == f"{stored['Negative-sentiment surge']:.1%}"
    (surge,) = firing.loc[firing["rule_name"] == "Volume surge", "id"]
    next(s for s in app.selectbox if s.label == "Episode").set_value(int(surge)).run()
    (chart,) = charts(app)
    threshold = values(trace(chart, "threshold")["y"])
    volume = values(trace(chart, "message volume")["y"])
    assert max(volume) > max(t for t in threshold if t == t)  # the burst crosses its line
    assert pd.Timestamp(chart["layout"]["shapes"][0]["x0"]) == opened_at(archive)
    evidence = app.dataframe[-1].value
    assert len(evidence) == 30  # the messages that drove it, newest first

    app.button[0].click().run()  # Acknowledge
    engine = make_engine(archive)
    with engine.connect() as conn:
        firing = alert_store.episodes(conn, 1, BURST, BURST, only_open=True)
    acknowledged = firing.set_index("rule_name")["acknowledged_by"]
    assert acknowledged["Volume surge"] == "manager"
    assert pd.isna(acknowledged["Negative-sentiment surge"])  # only the one chosen


def test_episodes_are_shaded_on_the_sentiment_chart(monkeypatch, archive):
    app = open_page(monkeypatch, archive, "../pages/sentiment.py", role=Role.MANAGER)
    choose_days(app, date(2026, 2, 27), date(2026, 2, 28))
    over_time = charts(app)[0]
    shaded = [s for s in over_time["layout"].get("shapes", []) if s["type"] == "rect"]
    # the two open episodes overlap: one span from the first to start, labelled with it
    assert {pd.Timestamp(s["x0"]) for s in shaded} == {opened_at(archive)}
    labels = {a["text"] for a in over_time["layout"]["annotations"]}
    assert "Volume surge +1" in labels


def test_executives_see_no_alert_banner(monkeypatch, archive):
    app = open_page(monkeypatch, archive, None, role=Role.EXECUTIVE)
    assert not any("Critical alert" in e.value for e in app.error)


def test_a_manager_plans_a_silence(monkeypatch, archive):
    app = open_page(monkeypatch, archive, "../pages/alerts.py", role=Role.MANAGER)
    app.text_input(key="planned-silence-why").input("database upgrade").run()
    next(b for b in app.button if b.label == "Add silence").click().run()
    assert not app.exception
    engine = make_engine(archive)
    with engine.connect() as conn:
        planned = alert_store.silences(conn, 1, datetime.now(UTC) - timedelta(minutes=5))
    engine.dispose()
    (silence,) = planned.itertuples()
    assert (silence.author, silence.comment, silence.rule_id, silence.scope_key) == (
        "manager",
        "database upgrade",
        None,
        None,
    )
    assert silence.ends_at - silence.starts_at == timedelta(hours=2)


def test_a_silent_source_shows_a_data_problem_banner_not_a_crisis(monkeypatch, archive):
    engine = make_engine(archive)
    with engine.begin() as conn:
        rule_id = next(
            rule_id
            for rule_id, _, definition in alert_store.stored_rules(conn, 1)
            if definition["metric"] == "silent_sources"
        )
        episode = alert_store.open_episode(
            conn,
            {
                "community_id": 1,
                "rule_id": rule_id,
                "rule_version": 1,
                "rule_name": "Source silent",
                "severity": "warning",
                "scope_key": "all",
                "scope_label": "everything",
                "onset_at": BURST,
                "started_at": BURST,
                "peak_value": 1.0,
                "peak_score": 1.0,
                "silenced": False,
            },
        )
    try:
        app = open_page(monkeypatch, archive, "../pages/live.py", role=Role.MANAGER)
        (banner,) = [w.value for w in app.warning if w.value.startswith("Data problem")]
        assert "a source stopped delivering (everything, since" in banner
        assert "this is not an activity drop" in banner
    finally:
        with engine.begin() as conn:
            alert_store.update_episode(conn, episode, ended_at=BURST + timedelta(hours=1))
        engine.dispose()


def test_an_archive_past_the_chosen_period_is_pointed_to_the_backtest(monkeypatch, database_url):
    """An archive ending 2026-03-01, imported and never evaluated live; the default period
    is the last 7 days: no episode there, and the page says why and where the rules'
    past is shown."""
    build_archive(database_url)
    app = open_page(monkeypatch, database_url, "../pages/alerts.py", role=Role.MANAGER)
    assert "No alert fired in the chosen period. Widen it in the sidebar." in [
        i.value for i in app.info
    ]
    assert any(
        c.value.startswith("The newest message is from 2026-02-28 23:00 UTC. Alerts judge")
        and "Thresholds page, in its backtest" in c.value
        for c in app.caption
    ), [c.value for c in app.caption]


def test_a_share_episode_says_why_its_threshold_stands_at_100_percent(monkeypatch, archive):
    """After the outage the outage topic's threshold line stood at 100% with nothing said:
    the week the rule compares with holds the surge (the scores show it: 60 minutes at
    the ceiling in the 5 hours after the burst), so no share could fire it there."""
    from data_access.schema import AlertEpisode

    engine = make_engine(archive)
    with engine.begin() as conn:
        rule_id, version = next(
            (rule_id, version)
            for rule_id, version, definition in alert_store.stored_rules(conn, 1)
            if definition["metric"] == "topic_share"
        )
        outage = conn.scalar(select(Topic.id).where(Topic.name == "outage"))
        episode = alert_store.open_episode(
            conn,
            {
                "community_id": 1,
                "rule_id": rule_id,
                "rule_version": version,
                "rule_name": "Topic share surge",
                "severity": "warning",
                "scope_key": f"topic:{outage}",
                "scope_label": "topic outage",
                "onset_at": BURST,
                "started_at": BURST,
                "ended_at": BURST + timedelta(hours=3),
                "peak_value": 0.7,
                "peak_score": 12.7,
                "silenced": False,
            },
        )
    try:
        app = open_page(monkeypatch, archive, "../pages/alerts.py", role=Role.MANAGER)
        choose_days(app, date(2026, 2, 27), date(2026, 2, 28))
        next(s for s in app.selectbox if s.label == "Episode").set_value(episode).run()
        assert not app.exception
        (chart,) = charts(app)
        limits = [v for v in values(trace(chart, "threshold")["y"]) if v == v]  # NaN out
        # 6 hours before the outage the line stays well below the top; after it, at the top
        half = len(limits) // 2
        assert max(limits[:half]) < 0.5 and max(limits[half:]) == 1.0
        assert any(
            c.value.startswith("Where the threshold stands at 100%, no share could fire this")
            and "more than 7 days old" in c.value
            for c in app.caption
        ), [c.value for c in app.caption]
        # the Volume surge's evidence, a count's line, says nothing of the kind
        (surge,) = open_episodes(archive).query("rule_name == 'Volume surge'")["id"]
        next(s for s in app.selectbox if s.label == "Episode").set_value(int(surge)).run()
        assert not [c.value for c in app.caption if c.value.startswith("Where the threshold")]
    finally:
        with engine.begin() as conn:
            conn.execute(delete(AlertEpisode).where(AlertEpisode.id == episode))
        engine.dispose()
