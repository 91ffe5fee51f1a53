"""Every page under AppTest: on an empty database, on a simulated archive, live."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from access.permissions import SERVER_SHELL, Role
from analysis.topics import DEFAULT_TOPICS, compile_rule
from dashboard.web.auth import ACCOUNT_KEY, LAST_SEEN_KEY
from data_access import accounts
from data_access.db import make_engine
from data_access.heartbeat import beat
from data_access.retention import MINIMUM_MONTHS, apply_retention
from data_access.setup import init_database
from tests.conftest import ROOT
from tests.pages_fixtures import build_archive, build_live

APP = str(ROOT / "dashboard" / "app.py")
DEFAULT_OUTAGE = next(rule for rule in DEFAULT_TOPICS if rule.name == "outage")
PASSWORD = "a long test password"
PAGES = [
    "../pages/live.py",
    "../pages/sentiment.py",
    "../pages/topic_heat.py",
    "../pages/topics.py",
    "../pages/alerts.py",
    "../pages/thresholds.py",
    "../pages/weekly.py",
    "../pages/members.py",
    "../pages/people.py",
    "../pages/community_members.py",
    "../pages/member_profile.py",
    "../pages/segments.py",
]


def open_page(
    monkeypatch, url: str, page: str | None = None, role: Role | None = Role.ADMIN
) -> AppTest:
    """The app signed in as a user of `role` (named after it), on `page`."""
    monkeypatch.setenv("ECG_DATABASE_URL", url)
    app = AppTest.from_file(APP, default_timeout=60)
    if role is not None:
        ensure_user(url, role)
        app.session_state[ACCOUNT_KEY] = role.value
        app.session_state[LAST_SEEN_KEY] = datetime.now(UTC)
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def ensure_user(url: str, role: Role) -> None:
    engine = make_engine(url)
    try:
        init_database(engine)
        if accounts.find(engine, role.value) is None:
            accounts.add_user(engine, SERVER_SHELL, role.value, role, PASSWORD, datetime.now(UTC))
    except OperationalError:
        pass  # a database that cannot be reached: the page must say so
    finally:
        engine.dispose()


def charts(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def trace(chart: dict, name: str, axis: str = "y") -> dict:
    return next(t for t in chart["data"] if t.get("name") == name and t.get("yaxis", "y") == axis)


def values(data) -> list:
    """A plotly array as a list: plain JSON lists, or typed arrays ({"dtype", "bdata"})."""
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
        if "shape" in data:
            array = array.reshape([int(n) for n in str(data["shape"]).split(",")])
        return array.tolist()
    return list(data)


def same_figures(first, second) -> bool:
    """Two charts' JSON alike, their typed arrays equal to 1e-12 relative: a sum of
    floating-point scores may differ in its last bit when the database adds the rows in
    another order (PostgreSQL plans a read again when its statistics change)."""
    if isinstance(first, dict) and "bdata" in first:
        return (
            isinstance(second, dict)
            and "bdata" in second
            and np.allclose(values(first), values(second), rtol=1e-12, atol=0, equal_nan=True)
        )
    if isinstance(first, dict):
        return (
            isinstance(second, dict)
            and first.keys() == second.keys()
            and all(same_figures(first[key], second[key]) for key in first)
        )
    if isinstance(first, list):
        return (
            isinstance(second, list)
            and len(first) == len(second)
            and all(same_figures(a, b) for a, b in zip(first, second, strict=True))
        )
    return first == second


@pytest.fixture(scope="module")
def archive_url(module_database_url) -> str:
    url = module_database_url
    build_archive(url)
    return url


@pytest.fixture(scope="module")
def raw_archive(archive_url) -> pd.DataFrame:
    engine = make_engine(archive_url)
    with engine.connect() as conn:
        frame = pd.read_sql(
            text(
                "SELECT m.id, m.sent_at, m.sentiment, m.kind, c.name AS channel FROM messages m"
                " JOIN channels c ON c.id = m.channel_id"
            ),
            conn,
        )
    engine.dispose()
    frame["sent_at"] = pd.to_datetime(frame["sent_at"], utc=True)
    return frame


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_an_empty_database_says_how_to_get_data(monkeypatch, database_url, page):
    url = database_url
    init_database(make_engine(url))
    app = open_page(monkeypatch, url, page)
    assert any("There are no messages yet" in box.value for box in app.info)
    assert "ecg simulate --days 90" in app.info[0].value
    assert charts(app) == []


def choose_days(app: AppTest, first: date, last: date) -> AppTest:
    app.selectbox(key="preset").set_value("Custom").run()
    app.date_input(key="custom_dates").set_value((first, last)).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_an_old_archive_offers_the_range_that_has_data(monkeypatch, archive_url):
    app = open_page(monkeypatch, archive_url, "../pages/sentiment.py")
    no_data = next(box.value for box in app.warning if "No messages in this range" in box.value)
    assert "2026-02-28 23:00 UTC" in no_data
    app.button[0].click().run()
    assert app.selectbox(key="preset").value == "Custom"
    assert app.date_input(key="custom_dates").value == (date(2026, 1, 30), date(2026, 2, 28))
    assert len(charts(app)) == 3  # over time, kinds of message, distribution


def test_sentiment_page_matches_the_raw_messages(monkeypatch, archive_url, raw_archive):
    app = open_page(monkeypatch, archive_url, "../pages/sentiment.py")
    choose_days(app, date(2026, 2, 20), date(2026, 2, 28))
    over_time, kinds, distribution = charts(app)

    window = raw_archive[
        (raw_archive["sent_at"] >= "2026-02-20") & (raw_archive["sent_at"] < "2026-03-01")
    ]
    days = window.groupby(window["sent_at"].dt.floor("D"))["sentiment"]
    expected_average = (days.sum() / days.count()).tolist()
    average = trace(over_time, "All channels", "y")
    assert len(values(average["x"])) == 9
    assert values(average["y"]) == pytest.approx(expected_average)
    scored = window.dropna(subset=["sentiment"])
    expected_negative = (
        (scored["sentiment"] <= -0.05).groupby(scored["sent_at"].dt.floor("D")).mean().tolist()
    )
    assert values(trace(over_time, "All channels", "y2")["y"]) == pytest.approx(expected_negative)

    unscored = int(window["sentiment"].isna().sum())
    assert unscored > 0
    metric = next(m for m in app.metric if m.label == "Not scored (other languages)")
    assert metric.value == f"{unscored:,}"
    bars = {t["name"]: sum(values(t["y"])) for t in distribution["data"]}
    assert bars["not scored"] == unscored
    assert sum(bars.values()) == len(window)
    # the kinds of message, day by day, as a GROUP BY over the raw messages
    per_day = window.groupby([window["sent_at"].dt.floor("D"), "kind"]).size()
    names = {"question": "question", "bug_report": "bug report", "complaint": "complaint"}
    drawn = {t["name"]: values(t["y"]) for t in kinds["data"]}
    for kind, name in names.items():
        expected = per_day.xs(kind, level="kind").reindex(
            sorted(window["sent_at"].dt.floor("D").unique()), fill_value=0
        )
        assert drawn[name] == expected.tolist(), kind
    assert sum(sum(bars) for bars in drawn.values()) == len(window)


def test_after_a_retention_the_charts_still_count_the_removed_messages(monkeypatch, database_url):
    build_archive(database_url)

    def sentiment_page() -> AppTest:
        return choose_days(
            open_page(monkeypatch, database_url, "../pages/sentiment.py"),
            date(2026, 2, 20),
            date(2026, 2, 28),
        )

    before = sentiment_page()
    assert len(before.dataframe[-1].value) == 25  # the most negative messages
    engine = make_engine(database_url)
    result = apply_retention(engine, MINIMUM_MONTHS, datetime.now(UTC))  # all of February
    engine.dispose()
    assert result.removed > 0
    st.cache_data.clear()  # the pages' reads are cached for a few seconds

    after = sentiment_page()

    assert same_figures(charts(after), charts(before))
    notes = [caption.value for caption in after.caption]
    kept = f"{result.kept_since:%Y-%m-%d} 00:00 UTC"
    assert f"Messages sent before {kept} are no longer kept" in " ".join(notes)
    assert "No messages to show." in notes


def test_topic_heat_matches_the_raw_links(monkeypatch, archive_url):
    app = open_page(monkeypatch, archive_url, "../pages/topic_heat.py")
    choose_days(app, date(2026, 2, 22), date(2026, 2, 28))
    heatmap, rising = charts(app)
    engine = make_engine(archive_url)
    with engine.connect() as conn:
        expected = dict(
            conn.execute(
                text(
                    "SELECT t.name, count(*) FROM message_topics mt"
                    " JOIN topics t ON t.id = mt.topic_id"
                    " JOIN messages m ON m.id = mt.message_id WHERE m.sent_at >= '2026-02-22'"
                    " AND m.sent_at < '2026-03-01' GROUP BY t.name"
                )
            ).all()
        )
    engine.dispose()
    cells = heatmap["data"][0]
    topics, days, grid = values(cells["y"]), values(cells["x"]), values(cells["z"])
    assert dict(zip(topics, [sum(row) for row in grid], strict=True)) == expected
    # the scripted billing spike (2026-02-26 14:00, 6 hours) makes billing's day the hottest
    billing_row = grid[topics.index("billing")]
    assert days[billing_row.index(max(billing_row))].startswith("2026-02-26")
    fastest = values(rising["data"][0]["y"])[-1]  # bars are drawn bottom-up
    assert fastest == "outage"  # the scripted outage burst on 2026-02-28
    topic = next(box for box in app.selectbox if box.label == "Topic")
    assert topic.value == fastest
    drill = app.dataframe[-1].value
    assert len(drill) > 0
    assert all(compile_rule(DEFAULT_OUTAGE).matches(t) for t in drill["text"])


def test_topic_heat_counts_one_kind_of_message(monkeypatch, archive_url):
    """Counting only questions: each topic's heat sums to its links whose message was read
    as a question; the rising chart counts the same."""
    app = open_page(monkeypatch, archive_url, "../pages/topic_heat.py")
    choose_days(app, date(2026, 2, 22), date(2026, 2, 28))
    app.selectbox(key="heat_kind").set_value("question").run()
    assert not app.exception, [e.message for e in app.exception]
    heatmap, rising = charts(app)
    engine = make_engine(archive_url)
    with engine.connect() as conn:
        expected = dict(
            conn.execute(
                text(
                    "SELECT t.name, count(*) FROM message_topics mt"
                    " JOIN topics t ON t.id = mt.topic_id"
                    " JOIN messages m ON m.id = mt.message_id WHERE m.sent_at >= '2026-02-22'"
                    " AND m.sent_at < '2026-03-01' AND m.kind = 'question' GROUP BY t.name"
                )
            ).all()
        )
    engine.dispose()
    assert sum(expected.values()) > 0
    cells = heatmap["data"][0]
    topics, grid = values(cells["y"]), values(cells["z"])
    counted = {topic: sum(row) for topic, row in zip(topics, grid, strict=True) if sum(row)}
    assert counted == expected
    bars = rising["data"][0]
    now = {
        t: int(label.split()[0]) for t, label in zip(values(bars["y"]), bars["text"], strict=True)
    }
    assert {t: n for t, n in now.items() if n} == {
        t: n for t, n in expected.items() if t in now
    }  # "12 vs 3": this period's questions first


def test_topics_page_previews_a_rule_on_recent_messages(monkeypatch, archive_url):
    app = open_page(monkeypatch, archive_url, "../pages/topics.py")
    assert "Give the topic a name" in app.info[0].value
    # each topic's colour is a swatch of itself, not only its code
    (listing,) = app.table
    first = listing.value["Colour"].iloc[0]
    assert f"row0_col4 {{ background-color: {first}; color: {first} }}" in (
        listing.proto.arrow_data.styler.styles
    )
    app.text_input[0].input("greetings").run()
    app.text_area[0].input("morning\nwelcome").run()
    engine = make_engine(archive_url)
    with engine.connect() as conn:
        recent = [
            r[0]
            for r in conn.execute(text("SELECT text FROM messages ORDER BY sent_at DESC LIMIT 500"))
        ]
    engine.dispose()
    expected = sum(
        ("morning" in t.lower().split() or "welcome" in t.lower().replace("!", " ").split())
        for t in recent
    )
    match = next(m for m in app.metric if m.label == "Match, of 500")
    assert int(match.value) == expected > 0


def test_live_page_shows_the_burst_against_the_band(monkeypatch, database_url):
    url = database_url
    now = datetime.now(UTC)
    if now.minute == 59 and now.second > 45:  # the band must be for the hour the page sees
        time.sleep(61 - now.second)
        now = datetime.now(UTC)
    build_live(url, now)
    app = open_page(monkeypatch, url, "../pages/live.py")
    (live,) = charts(app)
    assert sum(values(trace(live, "messages / minute")["y"])) == 30
    usual = values(trace(live, "usual")["y"])
    assert usual[0] == pytest.approx(1.0)  # 60 an hour in each of the 8 weeks before
    messages = next(m for m in app.metric if m.label == "Messages, last 15 min")
    assert messages.value == "12"
    active = next(m for m in app.metric if m.label == "Active members, last 15 min")
    assert active.value == "12"
    # a message in a language not scored shows a dash, not the English word "None"
    newest = app.dataframe[-1]
    assert newest.proto.placeholder == "—"
    assert "—: its language is not scored" in json.loads(newest.proto.columns)["sentiment"]["help"]


@pytest.mark.parametrize("page", PAGES)
def test_a_database_that_cannot_be_reached_is_a_message(monkeypatch, page):
    url = "postgresql://ecg@127.0.0.1:1/nothing"  # nothing listens on port 1
    app = open_page(monkeypatch, url, page)
    assert "The database cannot be reached" in app.error[0].value
    assert "ECG_DATABASE_URL" in app.error[0].value
    assert charts(app) == []


def test_overview_compares_the_last_7_days_with_data_to_the_7_before(
    monkeypatch, archive_url, raw_archive
):
    app = open_page(monkeypatch, archive_url, "../pages/overview.py", role=Role.EXECUTIVE)
    times = raw_archive["sent_at"]
    this_week = int(((times >= "2026-02-22") & (times < "2026-03-01")).sum())
    week_before = int(((times >= "2026-02-15") & (times < "2026-02-22")).sum())
    messages = next(m for m in app.metric if m.label == "Messages")
    assert messages.value == f"{this_week:,}"
    assert messages.delta == f"{(this_week - week_before) / week_before:+.1%}"
    (daily,) = charts(app)
    assert sum(values(daily["data"][0]["y"])) == this_week


def _worker_warnings(app: AppTest) -> list[str]:
    return [box.value for box in app.warning if "worker" in box.value]


def test_a_stopped_worker_is_named_on_every_page(monkeypatch, archive_url):
    engine = make_engine(archive_url)
    stopped_at = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=20)
    beat(engine, stopped_at - timedelta(hours=1), stopped_at, 4242)
    engine.dispose()
    for page in ("../pages/sentiment.py", "../pages/alerts.py"):
        app = open_page(monkeypatch, archive_url, page)
        assert _worker_warnings(app) == [
            "The worker is not running: figures and alerts are stale since "
            f"{stopped_at:%Y-%m-%d %H:%M} UTC. Start it with `ecg worker` (`make run` starts "
            "it with the dashboard)."
        ]


def test_a_running_worker_raises_no_banner_and_none_ever_run_says_so(monkeypatch, database_url):
    init_database(make_engine(database_url))
    app = open_page(monkeypatch, database_url, "../pages/sentiment.py")
    assert len(_worker_warnings(app)) == 1
    assert "The worker has never run on this database" in _worker_warnings(app)[0]
    engine = make_engine(database_url)
    beat(engine, datetime.now(UTC), datetime.now(UTC), 4242)
    engine.dispose()
    st.cache_data.clear()
    app = open_page(monkeypatch, database_url, "../pages/sentiment.py")
    assert _worker_warnings(app) == []


def test_each_channel_keeps_one_colour_of_its_own_on_the_sentiment_page(monkeypatch, archive_url):
    """Each channel's two traces were coloured by position: colours shifted between the
    panels and repeated ('help' wore the blue of 'All channels')."""
    app = open_page(monkeypatch, archive_url, "../pages/sentiment.py")
    choose_days(app, date(2026, 2, 20), date(2026, 2, 28))
    over_time = charts(app)[0]
    colour_of: dict[str, set[str]] = {}
    for series in over_time["data"]:
        colour_of.setdefault(series["name"], set()).add(series["line"]["color"])
    assert all(len(colours) == 1 for colours in colour_of.values())  # both panels alike
    colours = [next(iter(c)) for c in colour_of.values()]
    assert len(colours) == len(set(colours)) >= 3  # none shared
    assert colour_of["All channels"] == {"#212121"}


def test_a_day_the_data_covers_in_part_is_labelled_so(monkeypatch, database_url):
    """The data end with the hour of the fixture's newest message. The Overview shows the
    168 hours up to the end of that hour, the Sentiment page (the sidebar's last 7 days)
    the 168 hours up to the end of the current one: a day at either end is only part of a
    day unless its edge is midnight (UTC, the sidebar's zone here). Worked out from the
    clock, so that the minutes after midnight, when the newest message is yesterday's,
    hold too."""
    now = datetime.now(UTC)
    build_live(database_url, now)
    newest = now - timedelta(minutes=3)  # the fixture's newest message (the burst's first)
    data_end_cut = newest.hour != 23
    expected = {
        "../pages/overview.py": 2 * data_end_cut,
        "../pages/sentiment.py": (now.hour != 23) + data_end_cut,
    }
    for page, parts in expected.items():
        app = open_page(monkeypatch, database_url, page)
        notes = [a["text"] for a in charts(app)[0]["layout"].get("annotations", [])]
        assert notes.count("part of a day") == parts, page


def test_a_drill_down_shows_each_messages_kind_and_filters_by_it(monkeypatch, database_url):
    """The burst says "the app is broken again" (a bug report), the calm "hello there"."""
    build_live(database_url, datetime.now(UTC))
    app = open_page(monkeypatch, database_url, "../pages/live.py")
    newest = app.dataframe[0].value
    assert newest["kind"].value_counts().to_dict() == {"bug report": 12, "other": 3}
    # each author's name leads to their profile (issue 19)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        person = dict(conn.execute(text("SELECT display_name, id FROM members")).all())
    engine.dispose()
    expected = [f"member_profile?person={person[a]}" for a in newest["author"]]
    assert list(newest["profile"]) == expected
    app.multiselect(key="newest_kinds").set_value(["other"]).run()
    newest = app.dataframe[0].value
    assert len(newest) == 15
    assert set(newest["kind"]) == {"other"}
    assert set(newest["text"]) == {"hello there"}


def test_the_community_chosen_last_is_chosen_again_at_the_next_sign_in(monkeypatch, database_url):
    """Names are offered in order ('acme' first); a manager who watches 'zeta' found
    'acme' again at every sign-in (and, after importing a test group, that group)."""
    from dashboard.communities import prepare_community
    from data_access import accounts

    engine = make_engine(database_url)
    for name in ("acme", "zeta"):
        prepare_community(engine, name)
    app = open_page(monkeypatch, database_url, role=Role.MANAGER)
    assert app.selectbox(key="community").value == "acme"
    app.selectbox(key="community").set_value("zeta").run()
    assert not app.exception, [e.message for e in app.exception]
    assert accounts.find(engine, "manager").community == "zeta"
    again = open_page(monkeypatch, database_url, role=Role.MANAGER)  # a new session
    assert again.selectbox(key="community").value == "zeta"
    prepare_community(engine, "aardvark")  # a new community does not take the place
    assert (
        open_page(monkeypatch, database_url, role=Role.MANAGER).selectbox(key="community").value
        == "zeta"
    )
    engine.dispose()


def test_a_choice_that_cannot_be_saved_with_the_account_is_no_error(monkeypatch, database_url):
    """A single sign-on address ('ann+ops@example.com') is no local user name: saving the
    community chosen refuses it, and the page goes on without saving."""
    from dashboard.communities import prepare_community
    from data_access.accounts import AccountError

    engine = make_engine(database_url)
    for name in ("acme", "zeta"):
        prepare_community(engine, name)
    engine.dispose()

    def refuse(*_args):
        raise AccountError("a user name is 1 to 100 letters, digits or . _ - @")

    monkeypatch.setattr(accounts, "set_community", refuse)
    app = open_page(monkeypatch, database_url, role=Role.MANAGER)
    app.selectbox(key="community").set_value("zeta").run()
    assert not app.exception, [e.message for e in app.exception]
    assert app.selectbox(key="community").value == "zeta"
