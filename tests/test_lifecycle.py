"""Members' engagement, levels and lifecycle: worked out by hand on scripted weeks, then
through the worker's job on a scripted community whose weeks cross a daylight-saving
change, with one person on two platforms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from analysis import lifecycle


def week_row(person, week, messages=0, given=0, received=0, partners=0, reactions=0):
    return {
        "week": week,
        "person": person,
        "messages": messages,
        "replies_given": given,
        "replies_received": received,
        "threads_started": 0,
        "answers": 0,
        "reactions": reactions,
        "partners": partners,
    }


def test_states_engagement_and_levels_by_hand():
    rows = [week_row("ada", w, messages=8, given=2, received=2, partners=2) for w in range(6)]
    rows += [week_row("ada", 12, messages=1)]  # back after six quiet weeks
    rows += [week_row("bo", 0, messages=2)]  # said hello once
    weeks = pd.DataFrame(rows)
    found = lifecycle.states(weeks, 0, 13).set_index(["person", "week"])
    ada = found.loc["ada"]["state"].to_dict()
    # weeks 0-5 active with 4 replies given or received, with 2 people: vital from the
    # third such week (3 of the last 4); quiet from week 6: at risk at 2 and 3 quiet
    # weeks (she was a champion), churned at 4, then no state until she is back
    assert ada == {
        0: "new",
        1: "active",
        2: "vital",
        3: "vital",
        4: "vital",
        5: "vital",
        6: "vital",  # one quiet week: 3 of the last 4 weeks still broad
        7: "at risk",
        8: "at risk",
        9: "churned",
        12: "returning",
        13: "active",
    }
    bo = found.loc["bo"]["state"].to_dict()
    assert bo == {0: "new", 1: "active", 2: "churned"}  # a participant: gone after 2 weeks
    # engagement: points of a week = messages + replies given + 0.5 x received; ada's week
    # is 8 + 2 + 1 = 11 points; at week 5, weeks 0-5 weigh 0.5 ** (age / 4)
    expected = sum(11 * 0.5 ** ((5 - w) / 4) for w in range(6))
    assert found.loc[("ada", 5), "engagement"] == pytest.approx(expected, abs=1e-3)
    assert (
        expected == pytest.approx(44.69, abs=0.01) and found.loc[("ada", 5), "level"] == "champion"
    )
    assert found.loc[("bo", 1), "engagement"] == pytest.approx(2 * 0.5**0.25, abs=1e-3)
    assert found.loc[("bo", 1), "level"] == "observer"  # 1.68 < 2


def test_flows_and_cohorts_by_hand():
    weekly = pd.DataFrame(
        [
            ("ada", 0, "new"), ("bo", 0, "new"), ("cy", 0, "new"),
            ("ada", 1, "active"), ("bo", 1, "active"), ("cy", 1, "active"), ("di", 1, "new"),
        ],
        columns=["person", "week", "state"],
    )  # fmt: skip
    moved = lifecycle.flows(weekly, 1).set_index(["source", "target"])["people"].to_dict()
    assert moved == {("new", "active"): 3, ("not around", "new"): 1}
    active = pd.DataFrame(
        [("ada", 0), ("bo", 0), ("cy", 0), ("ada", 1), ("di", 1), ("ada", 2), ("bo", 2)],
        columns=["person", "week"],
    )
    table = lifecycle.cohort_retention(active, after=(1, 2)).set_index("cohort")
    assert table.loc[0, "people"] == 3
    assert table.loc[0, "after 1"] == pytest.approx(1 / 3)  # ada
    assert table.loc[0, "after 2"] == pytest.approx(2 / 3)  # ada and bo
    assert table.loc[1, "after 1"] == 0.0 and pd.isna(table.loc[1, "after 2"])


BERLIN = "Europe/Berlin"  # summer time ends on Sunday 25 October 2026, 03:00 -> 02:00
MONDAY = datetime(2026, 10, 5, 8, tzinfo=UTC)  # 10:00 in Berlin, week 2026-W41


def _message(n, at, author, text, reply_to=None, email=None):
    from ingest.records import ParsedRow, RawMessage

    return ParsedRow(n, RawMessage(f"m{n}", at, "general", author, author, text, reply_to,
                                   author_email=email))  # fmt: skip


def test_the_worker_keeps_member_weeks_across_a_clock_change_with_a_merged_person(engine):
    """See `scripted_community`: states, counts and engagement by hand."""
    from sqlalchemy import select

    from dashboard.member_lifecycle import refresh_member_weeks, stored_member_weeks
    from data_access.schema import MemberWeek, MemberWeekCount

    scripted_community(engine)
    now = datetime(2026, 11, 17, 12, tzinfo=UTC)  # the last complete week: 2026-W46
    assert refresh_member_weeks(engine, 1, BERLIN, now) == 30  # every kept week, at first
    assert refresh_member_weeks(engine, 1, BERLIN, now) == 0  # nothing changed since
    stored = stored_member_weeks(engine, 1, BERLIN, now)
    rows = stored.rows.assign(week=stored.rows["week"].map(dict(enumerate(stored.weeks))))
    people = dict(zip(*identities_of(engine), strict=True))
    states = {
        (people[p], w): s
        for p, w, s in zip(rows["person"], rows["week"], rows["state"], strict=True)
    }
    assert [states.get(("ana", f"2026-W{w}")) for w in range(41, 47)] == [
        "new", "active", "vital", "vital", "vital", "vital",
    ]  # fmt: skip
    # one person: a single row a week for her two accounts
    assert rows[rows["person"].map(people) == "ana"].groupby("week").size().max() == 1
    assert states.get(("dee", "2026-W43")) is None and states[("dee", "2026-W44")] == "new"
    assert states[("dee", "2026-W45")] == "active" and states[("dee", "2026-W46")] == "churned"
    ana_45 = rows[(rows["person"].map(people) == "ana") & (rows["week"] == "2026-W45")].iloc[0]
    assert (ana_45["messages"], ana_45["replies_given"], ana_45["replies_received"]) == (2, 1, 2)
    assert (ana_45["partners"], ana_45["threads_started"]) == (2, 1)
    # engagement at week 45: each week 2 messages + 1 reply given + 2 x 0.5 received + 2
    # for the thread = 6 points, weighed 0.5 ** (age / 4) over weeks 41-45
    expected = sum(6 * 0.5 ** (age / 4) for age in range(5))
    assert ana_45["engagement"] == pytest.approx(expected, abs=1e-3)
    # 20 weeks on the kept 30 weeks move with the clock (the newest message is still
    # among them), and the weeks that left them are removed, not kept forever
    later = now + timedelta(weeks=20)
    refresh_member_weeks(engine, 1, BERLIN, later)
    with engine.connect() as conn:
        counted = {w for (w,) in conn.execute(select(MemberWeekCount.week))}
    stored = stored_member_weeks(engine, 1, BERLIN, later)
    assert stored.weeks[-1] == "2027-W13" and min(counted) == stored.weeks[0] == "2026-W37"
    assert len(counted) == 30
    # 40 weeks on, every message is older than the 30 weeks before now: the data is an
    # archive, and its own last 30 weeks are kept (the Members page showed none)
    archived = now + timedelta(weeks=40)
    refresh_member_weeks(engine, 1, BERLIN, archived)
    stored = stored_member_weeks(engine, 1, BERLIN, archived)
    assert stored.weeks[-1] == "2026-W45"  # the week of the newest message
    with engine.connect() as conn:
        kept = {w for (w,) in conn.execute(select(MemberWeek.week).distinct())}
    assert {f"2026-W{w}" for w in range(41, 46)} <= kept and len(stored.weeks) == 30


def test_the_members_page_draws_the_stored_weeks(monkeypatch, database_url):
    from dashboard.member_lifecycle import refresh_member_weeks
    from data_access.db import make_engine
    from ingest.pipeline import ImportTarget, run_import
    from tests.test_pages import charts, open_page, values

    engine = make_engine(database_url)
    scripted_community(engine)
    # week 46: two newcomers ask; bo answers fay, no one answers eve
    at = MONDAY + timedelta(weeks=5)
    run_import(
        engine,
        [
            _message(200, at, "eve", "where do I start?"),
            _message(201, at, "fay", "is there a guide?"),
            _message(202, at + timedelta(hours=1), "bo", "the wiki", "m201"),
        ],
        ImportTarget("c", "discord", "discord"),
    )
    # gus asks in a WhatsApp export, which records no replies: never listed as unanswered
    gus = [_message(300, at, "gus", "anyone around?")]
    run_import(engine, gus, ImportTarget("c", "whatsapp", "whatsapp"))
    refresh_member_weeks(engine, 1, BERLIN, datetime.now(UTC))
    engine.dispose()
    monkeypatch.setenv("ECG_TIMEZONE", BERLIN)
    app = open_page(monkeypatch, database_url, "../pages/community_members.py")
    over_time, sankey = charts(app)
    drawn = {
        t["name"]: dict(zip(values(t["x"]), values(t["y"]), strict=True)) for t in over_time["data"]
    }
    assert drawn["vital"]["2026-W45"] == 1  # ana
    first_week = values(over_time["data"][0]["x"])[0]  # no empty week before the first
    assert sum(people[first_week] for people in drawn.values()) > 0
    # dee, and bo's and cy's Discord accounts (not merged with their Slack ones)
    assert drawn["new"]["2026-W44"] == 3
    assert sankey["data"][0]["type"] == "sankey"
    cohorts = app.dataframe[-1].value.set_index("first week")
    app.selectbox(key="members_week").select("2026-W46").run()
    assert not app.exception
    _at_risk, _rising, unanswered, _cohorts = (frame.value for frame in app.dataframe)
    assert list(unanswered["author"]) == ["eve"]
    assert list(unanswered["text"]) == ["where do I start?"]
    assert cohorts.loc["2026-W41", "people"] == 3  # ana, bo and cy
    assert cohorts.loc["2026-W41", "after 1 week"] == "100%"  # all three, the week after
    assert cohorts.loc["2026-W41", "after 12 weeks"] == "–"  # not yet: W46 is the newest


def scripted_community(engine) -> None:
    """ana writes on Slack (weeks 41-43) and on Discord (weeks 44-45) with one e-mail: one
    person once merged. bo and cy answer her questions and she thanks bo: three replies
    with two people a week, so vital from her third week. dee writes once at 00:30 on
    Monday 26 October in Berlin (Sunday 23:30 UTC): week 44 there, not 43."""
    from access.permissions import Actor, Role
    from dashboard.communities import prepare_community
    from data_access import identities
    from ingest.pipeline import ImportTarget, run_import

    prepare_community(engine, "c")
    slack, discord, n = [], [], 0
    for week in range(5):  # weeks 41 to 45
        at = MONDAY + timedelta(weeks=week)
        rows = discord if week >= 3 else slack
        ana = "ana#1" if week >= 3 else "U-ana"
        n += 4
        email = "ana@example.org"
        rows.append(_message(n, at, ana, f"how do I do {week}?", email=email))
        rows.append(_message(n + 1, at + timedelta(hours=1), "bo", "like this", f"m{n}"))
        rows.append(_message(n + 2, at + timedelta(hours=2), "cy", "or this", f"m{n}"))
        # no e-mail on this one: the account keeps the one its other messages give
        rows.append(_message(n + 3, at + timedelta(hours=3), ana, "thanks!", f"m{n + 1}"))
    dee = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # Monday 00:30 in Berlin
    discord.append(_message(100, dee, "dee", "hello"))
    run_import(engine, slack, ImportTarget("c", "slack", "slack"))
    run_import(engine, discord, ImportTarget("c", "discord", "discord"))
    with engine.connect() as conn:
        (pair,) = [s for s in identities.open_suggestions(conn, 1) if s.score >= 0.99]
    admin = Actor("admin", Role.ADMIN)
    identities.decide(engine, 1, pair, True, actor=admin, now=dee)


def identities_of(engine):
    """(person ids, names): each person's id and the name of one of its accounts."""
    from sqlalchemy import text

    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT coalesce(person_id, id), min(display_name) FROM members "
                "GROUP BY coalesce(person_id, id)"
            )
        ).all()
    names = {"U-ana": "ana", "ana#1": "ana"}
    return [r[0] for r in found], [names.get(r[1], r[1]) for r in found]


def test_cohorts_and_flows_on_the_real_matrix_log_equal_pandas_over_raw_messages(tmp_path):
    """The Matrix log imported, its member weeks kept by the worker's job (UTC weeks);
    then from the raw messages, by pandas alone: each first-week cohort's retention, the
    newcomers of each week, and the people active this week or the last (exactly those
    new, returning, vital or active). The flows into and out of each state add up."""
    from sqlalchemy import text

    from dashboard.communities import prepare_community
    from dashboard.member_lifecycle import (
        members_overview,
        people_to_reach,
        refresh_member_weeks,
        stored_member_weeks,
    )
    from dashboard.web.member_view import cohorts, flows_into, level_counts
    from data_access.db import make_engine
    from ingest.formats.tabular import read_csv
    from ingest.pipeline import run_import
    from tests.conftest import SHARED_DATA, unavailable
    from tests.test_import_real_chat import MAPPING, MATRIX, TARGET

    if not SHARED_DATA.is_dir():
        unavailable(f"the shared data folder {SHARED_DATA} is absent")
    engine = make_engine(f"sqlite:///{tmp_path / 'matrix.db'}")
    prepare_community(engine, "matrix")
    run_import(engine, read_csv(SHARED_DATA / MATRIX, MAPPING), TARGET)
    now = datetime(2026, 7, 28, tzinfo=UTC)  # the log ends on 22 July 2026
    refresh_member_weeks(engine, 1, "UTC", now)
    stored = stored_member_weeks(engine, 1, "UTC", now)
    overview = members_overview(engine, 1, "UTC", now)  # what the Members page reads
    with engine.connect() as conn:
        raw = pd.read_sql(
            text(
                "SELECT coalesce(b.person_id, b.id) AS person, m.sent_at FROM messages m "
                "JOIN members b ON b.id = m.member_id WHERE NOT b.is_bot"
            ),
            conn,
        )

    def listed(week: str, which: str) -> list[int]:
        return people_to_reach(engine, 1, "UTC", week, which)["person"].tolist()

    iso = pd.to_datetime(raw["sent_at"], utc=True).dt.isocalendar()
    raw["week"] = iso["year"].astype(str) + "-W" + iso["week"].map("{:02d}".format)
    active = set(zip(raw["person"], raw["week"], strict=True))
    first = raw.groupby("person")["week"].min()
    names = stored.weeks
    checked_lists = 0
    rows = stored.rows
    # cohorts: the share of each first week's people active exactly n weeks later
    table = cohorts(overview.cohorts, names).set_index("cohort")
    assert len(table) >= 10
    for cohort, row in table.iterrows():
        people = first[first == cohort].index
        assert row["people"] == len(people)
        for n in (1, 2, 4, 8, 12):
            later = names.index(cohort) + n
            if later < len(names):
                kept = sum((p, names[later]) in active for p in people) / len(people)
                assert row[f"after {n}"] == pytest.approx(kept), (cohort, n)
    for index, week in enumerate(names[1:], start=1):
        at = rows[rows["week"] == index]
        newcomers = (first == week).sum()
        assert (at["state"] == "new").sum() == newcomers, week
        around = {p for p, w in active if w in (week, names[index - 1])}
        present = set(at.loc[at["state"].isin(["new", "returning", "vital", "active"]), "person"])
        assert present == around, week
        moved = lifecycle.flows(rows, index)
        into = moved[moved["target"] != "not around"].groupby("target")["people"].sum()
        assert into.to_dict() == at["state"].value_counts().to_dict(), week
        counted = overview.counts[overview.counts["week"] == index]
        assert dict(zip(counted["state"], counted["people"], strict=True)) == into.to_dict()
        # what the worker stored for the page: the flows, levels and lists of each week
        stored_flows = flows_into(overview.flows, index).reset_index(drop=True)
        expected = moved.sort_values(["people", "source", "target"], ascending=[False, True, True])
        pd.testing.assert_frame_equal(
            stored_flows, expected.reset_index(drop=True), check_dtype=False
        )
        assert level_counts(overview.levels, index) == {
            name: int((at["level"] == name).sum()) for name, _least in lifecycle.LEVELS
        }
        lists = {which: listed(week, which) for which in ("at risk", "rising", "new")}
        assert lists["new"] == sorted(at.loc[at["state"] == "new", "person"])
        was_at_risk = set(
            rows.loc[(rows["week"] == index - 1) & (rows["state"] == "at risk"), "person"]
        )
        newly = at[(at["state"] == "at risk") & ~at["person"].isin(was_at_risk)]
        assert (
            lists["at risk"]
            == newly.sort_values(["engagement", "person"], ascending=[False, True])["person"]
            .head(25)
            .tolist()
        )
        then = rows[rows["week"] == index - lifecycle.RISING_OVER].set_index("person")["engagement"]
        growth = (at["engagement"] - then.reindex(at["person"]).fillna(0.0).to_numpy()).round(3)
        rising = at.assign(growth=growth)[growth > 0]
        assert (
            lists["rising"]
            == rising.sort_values(["growth", "person"], ascending=[False, True])["person"]
            .head(25)
            .tolist()
        )
        checked_lists += bool(lists["at risk"]) and bool(lists["rising"])
    assert checked_lists >= 5


def test_the_weekly_report_and_its_pdf_show_the_members_of_the_week(engine):
    """Week 45 of the scripted community: ana vital; bo's, cy's Discord accounts and dee
    active; bo's and cy's Slack accounts at risk: each week they answered ana's question
    (1 message + 1 reply + 3 for an answer, + 0.5 for ana's thanks to bo: 5.5 and 5
    points a week), regulars by week 43 (5.5 x (1 + 0.84 + 0.71) = 14.0), then quiet for
    two weeks. The week's contributors by points: ana 6 (2 messages, 1 reply given, 2
    received, a thread), bo 5.5, cy 5 (their Discord accounts)."""
    import io

    from pypdf import PdfReader

    from analysis.weeks import parse_week
    from dashboard.member_lifecycle import refresh_member_weeks
    from dashboard.report.figures import weekly_report
    from dashboard.report.pdf import report_pdf

    scripted_community(engine)
    refresh_member_weeks(engine, 1, BERLIN, datetime(2026, 11, 17, 12, tzinfo=UTC))
    with engine.connect() as conn:
        report = weekly_report(conn, 1, "c", parse_week("2026-W45"), BERLIN)
    counts = report.lifecycle.set_index("state")
    assert counts["people"].to_dict() == {
        "new": 0, "active": 3, "vital": 1, "returning": 0, "at risk": 2, "churned": 0,
    }  # fmt: skip
    assert counts["previous"].to_dict() == {
        "new": 3, "active": 2, "vital": 1, "returning": 0, "at risk": 0, "churned": 0,
    }  # fmt: skip
    assert report.contributors["points"].tolist() == [6.0, 5.5, 5.0]
    # two people each, by name alike: told apart by their platform
    assert report.contributors["member"].tolist()[1:] == ["bo (discord)", "cy (discord)"]
    assert report.at_risk["member"].tolist() == ["bo (slack)", "cy (slack)"]  # newly
    # regulars when last active; their engagement fades while they are quiet: bo
    # 5.5 x (0.5^(2/4) + 0.5^(3/4) + 0.5^(4/4)) = 9.9, cy 5 x 1.80 = 9.0: participants now
    assert report.at_risk["level"].tolist() == ["participant", "participant"]
    engagement = report.at_risk["engagement"].tolist()
    assert engagement == [pytest.approx(9.9, abs=0.05), pytest.approx(9.0, abs=0.05)]
    text = PdfReader(io.BytesIO(report_pdf(report, "en"))).pages[0].extract_text()
    assert "Members this week" in text
    assert "new 0 (3), active 3 (2), vital 1 (1)" in text


def test_a_members_profile_shows_her_accounts_weeks_partners_and_questions(
    monkeypatch, database_url
):
    """ana's profile, opened as the Members page's link opens it (?person=ID), on 17
    November: her Slack and Discord accounts, her weeks (vital at the end), and her 90 days
    by hand: 10 messages in "general" (5 questions, 5 thanks); she thanked bo 3 times on
    Slack and 2 on Discord; bo and cy answered each question (bo on Slack 3, cy on Slack 3,
    bo and cy on Discord 2 each), each first answer an hour after she asked."""
    from dashboard.member_lifecycle import refresh_member_weeks
    from data_access.db import make_engine
    from tests.test_pages import open_page

    now = datetime(2026, 11, 17, 12, tzinfo=UTC)
    engine = make_engine(database_url)
    scripted_community(engine)
    refresh_member_weeks(engine, 1, BERLIN, now)
    people = dict(zip(*identities_of(engine), strict=True))
    engine.dispose()
    ana = next(p for p, name in people.items() if name == "ana")
    monkeypatch.setenv("ECG_TIMEZONE", BERLIN)
    monkeypatch.setattr("dashboard.web.components.now", lambda: now)
    app = open_page(monkeypatch, database_url, "../pages/member_profile.py")
    app.query_params["person"] = str(ana)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    accounts, weeks, channels, kinds, topics, partners, questions, messages = (
        frame.value for frame in app.dataframe
    )
    assert sorted(accounts["platform"]) == ["discord", "slack"]
    assert sorted(accounts["account id"]) == ["U-ana", "ana#1"]
    # first seen in the viewer's time zone: 08:00 UTC is 10:00 in Berlin's summer, 09:00 after
    assert list(accounts["first seen"]) == ["2026-10-05 10:00", "2026-10-26 09:00"]
    assert list(weeks["week"][:6]) == [f"2026-W{w}" for w in (46, 45, 44, 43, 42, 41)]
    assert list(weeks["state"][:6]) == ["vital", "vital", "vital", "vital", "active", "new"]
    assert {m.label: m.value for m in app.metric}["Level"] == "regular"
    assert channels.values.tolist() == [["general", 10]]
    assert kinds.values.tolist() == [["praise", 5], ["question", 5]]
    assert topics["messages"].sum() >= 5
    shown = partners.drop(columns="profile").values.tolist()
    # bo and cy have an account on each platform, not merged: two people each, told apart
    assert shown == [
        ["bo (slack)", 3, 3],
        ["bo (discord)", 2, 2],
        ["cy (slack)", 0, 3],
        ["cy (discord)", 0, 2],
    ]
    assert len(questions) == 5 and set(questions["first answer after"]) == {"60 min"}
    assert any("5 of 5 answered" in c.value and "60 min" in c.value for c in app.caption)
    assert app.get("plotly_chart")  # weeks, and sentiment week by week
    assert "thanks!" in list(messages["text"])


def test_a_very_active_members_profile_counts_her_newest_messages_alone(monkeypatch, database_url):
    """With the messages a profile reads capped at 4 (5,000 in the product), ana's newest
    4 are her week-44 and week-45 question and thanks on Discord: every figure counts
    those alone, and says since when. By hand: 4 in general (2 questions, 2 thanks);
    she thanked bo twice; bo and cy answered each of the 2 questions an hour later."""
    from dashboard.member_lifecycle import refresh_member_weeks
    from data_access.db import make_engine
    from tests.test_pages import open_page

    now = datetime(2026, 11, 17, 12, tzinfo=UTC)
    engine = make_engine(database_url)
    scripted_community(engine)
    refresh_member_weeks(engine, 1, BERLIN, now)
    people = dict(zip(*identities_of(engine), strict=True))
    engine.dispose()
    ana = next(p for p, name in people.items() if name == "ana")
    monkeypatch.setattr("data_access.person_reads.MOST_MESSAGES", 4)
    monkeypatch.setenv("ECG_TIMEZONE", BERLIN)
    monkeypatch.setattr("dashboard.web.components.now", lambda: now)
    app = open_page(monkeypatch, database_url, "../pages/member_profile.py")
    app.query_params["person"] = str(ana)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    _accounts, _weeks, channels, kinds, _topics, partners, questions, _messages = (
        frame.value for frame in app.dataframe
    )
    assert channels.values.tolist() == [["general", 4]]
    assert kinds.values.tolist() == [["praise", 2], ["question", 2]]
    assert partners.drop(columns="profile").values.tolist() == [["bo", 2, 2], ["cy", 0, 2]]
    assert len(questions) == 2 and set(questions["first answer after"]) == {"60 min"}
    # her week-44 question: Monday 26 October, 08:00 UTC (09:00 in Berlin, winter time)
    said = [c.value for c in app.caption if "newest 4 messages" in c.value]
    assert said and "2026-10-26 09:00" in said[0], [c.value for c in app.caption]


def test_the_states_of_many_people_equal_the_definition_one_person_at_a_time():
    """lifecycle.states works on arrays of people x weeks; state_of is the definition, a
    person and a week at a time: the two agree on 400 random people over 30 weeks (some
    first seen before their first activity, some with weeks of replies received only)."""
    import numpy as np

    rng = np.random.default_rng(7)
    rows = []
    for person in range(400):
        busy = rng.uniform(0.05, 0.9)
        for week in range(30):
            if rng.random() < busy:
                counts = rng.integers(0, [6, 5, 5, 4, 3])
                given, received, partners, reactions = map(int, counts[1:])
                rows.append(week_row(person, week, int(counts[0]), given, received, partners,
                                     reactions))  # fmt: skip
    weeks = pd.DataFrame(rows)
    seen = {
        p: int(w) - int(rng.integers(0, 4))
        for p, w in weeks.groupby("person")["week"].min().items()
        if p % 3
    }
    found = lifecycle.states(weeks, 5, 29, seen)
    expected = []
    for person, frame in weeks.groupby("person"):
        active = set(frame.loc[frame["messages"] + frame["reactions"] > 0, "week"])
        if not active:
            continue
        vital = set(frame.loc[lifecycle.is_vital_week(frame), "week"])
        points = dict(zip(frame["week"], lifecycle.week_points(frame), strict=True))
        for week in range(5, 30):
            state = lifecycle.state_of(week, active, vital, points, seen.get(person, min(active)))
            if state is not None:
                score = lifecycle._score(points, week)
                expected.append((person, week, state, round(score, 3), lifecycle.level_of(score)))
    assert len(found) == len(expected) > 5000
    got = list(found.itertuples(index=False, name=None))
    for (p, w, s, e, lv), (p2, w2, s2, e2, lv2) in zip(got, expected, strict=True):
        assert (p, w, s, lv) == (p2, w2, s2, lv2)
        assert e == pytest.approx(e2, abs=1e-3)


def test_a_conversations_turns_are_replies_where_the_source_records_none():
    """By hand: a message within 5 minutes of another person's, in the same channel of a
    source without recorded replies, answers that person."""
    from data_access.member_weeks import conversation_turns

    start = pd.Timestamp("2026-11-02 10:00", tz="UTC")
    rows = [  # id, person, channel, source, minutes after the start
        (1, 10, 1, 1, 0),
        (2, 11, 1, 1, 2),  # 11 answers 10
        (3, 11, 1, 1, 3),  # the same person again: no turn
        (4, 12, 1, 1, 9),  # six minutes after: no turn
        (5, 10, 2, 1, 9.5),  # another channel: no turn
        (6, 10, 1, 1, 12),  # 10 answers 12
        (7, 11, 3, 2, 13),
        (8, 12, 3, 2, 14),  # source 2 records replies: its own count, not turns
    ]
    wrote = pd.DataFrame(
        {
            "week": 0,
            "person": [r[1] for r in rows],
            "id": [r[0] for r in rows],
            "channel_id": [r[2] for r in rows],
            "source_id": [r[3] for r in rows],
            "sent_at": [(start + pd.Timedelta(minutes=r[4])).isoformat() for r in rows],
        }
    )
    turns = conversation_turns(wrote, replying=[2])
    assert list(zip(turns["person"], turns["to"], turns["parent_id"], strict=True)) == [
        (11, 10, 1),
        (10, 12, 4),
    ]
    assert not turns["parent_top"].any() and turns["parent_kind"].isna().all()


def wechat_group_in_turns(engine) -> None:
    """A group chat export, which records no replies: ann, bo, cy, ann, bo, cy, a minute
    apart, every Monday at 10:00 UTC of 2026-W42 to W45."""
    from dashboard.communities import prepare_community
    from ingest.pipeline import ImportTarget, run_import
    from ingest.records import ParsedRow, RawMessage

    monday = datetime(2026, 10, 12, 10, tzinfo=UTC)  # 2026-W42
    speakers = ["ann", "bo", "cy"] * 2
    rows = [
        ParsedRow(
            len(speakers) * week + turn,
            RawMessage(
                f"w{week}-{turn}",
                monday + timedelta(weeks=week, minutes=turn),
                "家长群",
                name,
                name,
                f"第 {week} 周，第 {turn} 句",
                None,
            ),
        )
        for week in range(4)
        for turn, name in enumerate(speakers)
    ]
    prepare_community(engine, "wechat")
    run_import(engine, rows, ImportTarget("wechat", "group.csv", "wechat"))


def test_a_wechat_group_that_talks_every_week_has_vital_members(engine):
    """Three people who talk in turns each week (wechat_group_in_turns) each give or get 3
    or 4 replies with 2 partners a week, so from their third week on they are vital. Read
    as the Members page reads them, after the worker's job."""
    from dashboard.member_lifecycle import refresh_member_weeks, stored_member_weeks

    wechat_group_in_turns(engine)
    refresh_member_weeks(engine, 1, "UTC", datetime(2026, 11, 10, tzinfo=UTC))
    stored = stored_member_weeks(engine, 1, "UTC", datetime(2026, 11, 10, tzinfo=UTC))
    names = dict(zip(*identities_of(engine), strict=True))
    rows_of = stored.rows.assign(
        week=stored.rows["week"].map(dict(enumerate(stored.weeks))),
        name=stored.rows["person"].map(names),
    )
    states = {(r.name, r.week): r.state for r in rows_of.itertuples()}
    for name in ("ann", "bo", "cy"):
        assert [states[(name, f"2026-W{w}")] for w in range(42, 46)] == [
            "new", "active", "vital", "vital",
        ], name  # fmt: skip
    w45 = rows_of[rows_of["week"] == "2026-W45"].set_index("name")
    assert w45.loc["ann", ["replies_given", "replies_received", "partners"]].tolist() == [1, 2, 2]
    assert w45.loc["bo", ["replies_given", "replies_received", "partners"]].tolist() == [2, 2, 2]
    assert w45.loc["cy", ["replies_given", "replies_received", "partners"]].tolist() == [2, 1, 2]
    assert (w45["threads_started"] == 0).all() and (w45["answers"] == 0).all()


def bos_profile_in_the_group(monkeypatch, database_url, language: str | None = None):
    """bo's profile page in the group chat (wechat_group_in_turns) on 10 November, read
    by the admin (in `language`, when given)."""
    from access.permissions import Role
    from dashboard.member_lifecycle import refresh_member_weeks
    from data_access import accounts
    from data_access.db import make_engine
    from tests.test_pages import ensure_user, open_page

    now = datetime(2026, 11, 10, tzinfo=UTC)
    engine = make_engine(database_url)
    wechat_group_in_turns(engine)
    refresh_member_weeks(engine, 1, "UTC", now)
    people = {name: p for p, name in zip(*identities_of(engine), strict=True)}
    if language:
        ensure_user(database_url, Role.ADMIN)
        accounts.set_language(engine, "admin", language)
    engine.dispose()
    monkeypatch.setenv("ECG_TIMEZONE", "UTC")
    monkeypatch.setattr("dashboard.web.components.now", lambda: now)
    app = open_page(monkeypatch, database_url, "../pages/member_profile.py")
    app.query_params["person"] = str(people["bo"])
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_a_wechat_group_members_profile_names_whom_she_talks_with(monkeypatch, database_url):
    """bo's profile in the group chat (wechat_group_in_turns): each week she follows ann
    twice (turns 1 and 4) and cy follows her twice (turns 2 and 5): over the 4 weeks she
    replied to ann 8 times and cy replied to her 8 times, as her weeks count them."""
    app = bos_profile_in_the_group(monkeypatch, database_url)
    partners = next(f.value for f in app.dataframe if "they replied to them" in f.value.columns)
    assert partners.drop(columns="profile").values.tolist() == [["ann", 8, 0], ["cy", 0, 8]]
    assert not any("No replies to or from anyone" in c.value for c in app.caption)


def test_a_members_weeks_read_in_chinese_on_her_profile(monkeypatch, database_url):
    """The weeks table under the chart spoke English (week, level, champion...) on the
    Chinese page: bo's four weeks in the group chat, newest first, in Chinese."""
    app = bos_profile_in_the_group(monkeypatch, database_url, "zh_CN")
    weeks = next(f.value for f in app.dataframe if "参与度" in f.value.columns)
    assert list(weeks.columns) == ["周", "状态", "等级", "参与度", "消息数", "交流对象"]
    assert list(weeks["周"]) == ["2026-W45", "2026-W44", "2026-W43", "2026-W42"]
    assert list(weeks["状态"]) == ["核心", "核心", "活跃", "新成员"]
    assert "champion" not in set(weeks["等级"]) and "regular" not in set(weeks["等级"])


def test_people_who_share_a_name_are_told_apart():
    """The weekly report's contributors read "Ana, Ana, Ben, Ana" for three people."""
    from data_access.member_weeks import told_apart

    accounts = [
        (1, "Ana", "discord", "d-1"),
        (2, "Ana", "slack", "s-7"),
        (3, "Ben", "discord", "d-2"),
        (4, "Ana", "discord", "d-9"),  # a second Ana on Discord
        (5, "陈", "wechat", "wxid_1"),
    ]
    assert told_apart(accounts) == {
        1: "Ana (discord d-1)",
        2: "Ana (slack)",
        3: "Ben",
        4: "Ana (discord d-9)",
        5: "陈",
    }


def test_a_members_questions_wait_for_their_first_reply_even_with_none_at_all():
    """Two questions, one replied to after 30 and 45 minutes (the first counts), one never;
    and the same questions where nobody ever replied (a group chat export records no
    replies: the profile once failed on that)."""
    from analysis.person_summary import first_responses

    asked = pd.to_datetime(["2026-11-02 10:00", "2026-11-02 12:00"], utc=True)
    messages = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "kind": ["question", "question", "praise"],
            "sent_at": [*asked, asked[1]],
            "channel": ["help"] * 3,
            "text": ["how?", "where?", "thanks"],
        }
    )
    received = pd.DataFrame(
        {
            "message_id": [1, 1],
            "person": [7, 8],
            "replied_at": pd.to_datetime(["2026-11-02 10:45", "2026-11-02 10:30"], utc=True),
        }
    )
    waited = first_responses(messages, received).set_index("text")["answered_after"]
    assert waited["how?"] == 30.0 and np.isnan(waited["where?"]) and len(waited) == 2
    nobody = received.iloc[:0]
    assert first_responses(messages, nobody)["answered_after"].isna().tolist() == [True, True]
    as_read = pd.DataFrame({"message_id": [], "person": [], "replied_at": []})  # no dtypes
    assert first_responses(messages, as_read)["answered_after"].isna().all()
