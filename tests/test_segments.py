"""Segments: saved filters over members, worked out by hand on the scripted community of
test_lifecycle (ana on Slack then Discord, merged; bo and cy answering her; dee once), as
of week 2026-W46 in Berlin; the export for outreach (analysts and admins, audited); tags
and notes (audited, forgotten with the member)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from access.permissions import Actor, PermissionDenied, Role
from analysis.segments import BadSegment, Segment
from dashboard.member_lifecycle import refresh_member_weeks
from dashboard.member_segments import EXPORT_FIELDS, export_segment, segment_now
from data_access import audit, member_notes
from data_access.db import make_engine
from data_access.schema import Channel
from tests.test_lifecycle import BERLIN, identities_of, scripted_community

NOW = datetime(2026, 11, 17, 12, tzinfo=UTC)  # the last complete week: 2026-W46
ANALYST = Actor("ann", Role.ANALYST)
MANAGER = Actor("max", Role.MANAGER)


@pytest.fixture
def community(database_url):
    """The scripted community with its member weeks counted; (engine, person id by name:
    ana, dee, and bo/cy for their Slack accounts, bo#/cy# for their Discord ones)."""
    engine = make_engine(database_url)
    scripted_community(engine)
    refresh_member_weeks(engine, 1, BERLIN, NOW)
    ids, names = identities_of(engine)
    with engine.connect() as conn:
        platforms = dict(
            conn.exec_driver_sql(
                "SELECT m.id, s.platform FROM members m JOIN sources s ON s.id = m.source_id"
            ).all()
        )
    people = {}
    for person, name in zip(ids, names, strict=True):
        suffix = "#" if platforms[person] == "discord" and name in ("bo", "cy") else ""
        people[name + suffix] = person
    yield engine, people
    engine.dispose()


def names_in(engine, people, segment: Segment) -> set[str]:
    reading = segment_now(engine, 1, BERLIN, NOW, segment)
    by_id = {person: name for name, person in people.items()}
    return {by_id[int(p)] for p in reading.members["person"]}


def test_segment_filters_pick_exactly_the_people_worked_out_by_hand(community):
    engine, people = community
    with engine.connect() as conn:
        (general,) = conn.scalars(select(Channel.id).where(Channel.source_id == 2)).all()
    # around in W46: ana (vital), bo# and cy# (active: wrote in W45), dee (churned: W44
    # only), and bo and cy on Slack: regulars by their answers (3 points each), quiet since
    # W43, so at risk
    everyone = {"ana", "bo", "cy", "bo#", "cy#", "dee"}
    assert names_in(engine, people, Segment()) == everyone
    assert names_in(engine, people, Segment(states=["vital"])) == {"ana"}
    assert names_in(engine, people, Segment(states=["active", "churned"])) == {"bo#", "cy#", "dee"}
    assert names_in(engine, people, Segment(states=["at risk"])) == {"bo", "cy"}
    # her Slack account counts for ana, merged with her Discord one
    assert names_in(engine, people, Segment(platforms=["slack"])) == {"ana", "bo", "cy"}
    # engagement at W46: ana 18.4 (regular), bo 8.3 and cy 7.6 (down to participant)
    assert names_in(engine, people, Segment(levels=["regular"])) == {"ana"}
    assert names_in(engine, people, Segment(levels=["observer"])) == {"dee"}
    # Discord's channel, within the last 2 weeks (W45-46): the three who wrote in W45;
    # within 3 weeks dee's "hello" of W44 counts too
    discord = Segment(channels=[str(general)], within_weeks=2)
    assert names_in(engine, people, discord) == {"ana", "bo#", "cy#"}
    assert names_in(engine, people, Segment(channels=[str(general)], within_weeks=3)) == {
        "ana",
        "bo#",
        "cy#",
        "dee",
    }
    # only ana asked questions ("how do I do 4?")
    assert names_in(engine, people, Segment(kinds=["question"])) == {"ana"}
    # first seen on Monday 26 October (dee at 00:30 Berlin is 25 October 23:30 UTC, bo#
    # and cy# at 09:00 and 10:00 UTC)
    assert names_in(engine, people, Segment(first_seen_from=date(2026, 10, 26))) == {"bo#", "cy#"}
    assert names_in(engine, people, Segment(first_seen_from=date(2026, 10, 25))) == {
        "bo#",
        "cy#",
        "dee",
    }
    # last active before the week of 4 November (W45): bo and cy (W43), dee (W44)
    assert names_in(engine, people, Segment(last_active_before=date(2026, 11, 4))) == {
        "bo",
        "cy",
        "dee",
    }
    assert names_in(engine, people, Segment(last_active_from=date(2026, 11, 4))) == {
        "ana",
        "bo#",
        "cy#",
    }
    # fields AND, values OR
    both = Segment(states=["active", "vital"], platforms=["slack"])
    assert names_in(engine, people, both) == {"ana"}
    # sizes over time: ana is vital from W43 on, no one else ever
    reading = segment_now(engine, 1, BERLIN, NOW, Segment(states=["vital"]))
    sizes = dict(zip(reading.sizes["week"], reading.sizes["people"], strict=True))
    assert [sizes[f"2026-W{w}"] for w in range(41, 47)] == [0, 0, 1, 1, 1, 1]
    assert list(sizes) == [f"2026-W{w}" for w in range(41, 47)]  # none before the first


def test_tags_select_members_and_are_audited(community):
    engine, people = community
    member_notes.add_tag(engine, 1, people["ana"], "  Speaker ", actor=MANAGER, now=NOW)
    member_notes.add_tag(engine, 1, people["dee"], "beta tester", actor=MANAGER, now=NOW)
    assert names_in(engine, people, Segment(tags=["speaker"])) == {"ana"}
    assert names_in(engine, people, Segment(tags=["speaker", "beta tester"])) == {"ana", "dee"}
    member_notes.remove_tag(engine, 1, people["dee"], "beta tester", actor=MANAGER, now=NOW)
    assert names_in(engine, people, Segment(tags=["beta tester"])) == set()
    with pytest.raises(PermissionDenied):
        member_notes.add_tag(
            engine, 1, people["ana"], "x", actor=Actor("e", Role.EXECUTIVE), now=NOW
        )
    with pytest.raises(member_notes.BadNote):
        member_notes.add_tag(engine, 1, people["ana"], "!!", actor=MANAGER, now=NOW)
    with engine.connect() as conn:
        log = audit.entries(conn, NOW, datetime(2027, 1, 1, tzinfo=UTC))
    kept = log[log["action"].str.startswith("member.")].sort_values("id")
    assert list(kept["action"]) == ["member.tag", "member.tag", "member.untag"]
    assert list(kept["new_value"]) == ["speaker", "beta tester", None]
    assert set(kept["actor"]) == {"max"}


def test_the_export_holds_the_segment_with_its_fields_and_only_analysts_make_it(community):
    engine, people = community
    member_notes.add_tag(engine, 1, people["ana"], "speaker", actor=MANAGER, now=NOW)
    segment = Segment(platforms=["discord"])
    for role in (Role.MANAGER, Role.EXECUTIVE):
        with pytest.raises(PermissionDenied):
            export_segment(engine, 1, "d", segment, BERLIN, NOW, actor=Actor("x", role))
    table = export_segment(engine, 1, "discord people", segment, BERLIN, NOW, actor=ANALYST)
    assert list(table.columns) == list(EXPORT_FIELDS)
    assert list(table["name"]) == ["U-ana", "bo", "cy", "dee"]  # by engagement
    ana = table.iloc[0]
    assert ana["accounts"] == "slack U-ana; discord ana#1"
    assert ana["emails"] == "ana@example.org"
    assert (ana["level"], ana["state"], ana["tags"]) == ("regular", "vital", "speaker")
    assert ana["first_seen"] == "2026-10-05" and ana["last_active_week"] == "2026-W45"
    with engine.connect() as conn:
        log = audit.entries(conn, NOW, datetime(2027, 1, 1, tzinfo=UTC), action="segment.export")
    (entry,) = log.itertuples()
    assert (entry.actor, entry.target) == ("ann", "discord people")
    assert entry.new_value == {"people": 4, "fields": list(EXPORT_FIELDS), "week": "2026-W46"}


def test_a_segment_round_trips_and_bad_ones_are_refused():
    segment = Segment(states=["vital", "at risk"], tags=["a"], first_seen_from="2026-10-01")
    assert Segment.from_json(segment.to_json()) == segment
    assert segment.to_json() == {
        "states": ["at risk", "vital"],
        "tags": ["a"],
        "first_seen_from": "2026-10-01",
        "within_weeks": 4,
    }
    with pytest.raises(BadSegment, match="unknown state"):
        Segment(states=["sleepy"])
    with pytest.raises(BadSegment, match="not a day"):
        Segment(first_seen_from="yesterday")
    with pytest.raises(BadSegment, match="within_weeks"):
        Segment(within_weeks=0)
    with pytest.raises(BadSegment, match="unknown field"):
        Segment.from_json({"colour": ["red"]})


def ecg(database_url, *args):
    env = {"PATH": os.environ["PATH"], "ECG_DATABASE_URL": database_url, "ECG_TIMEZONE": BERLIN}
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_ecg_segments_save_show_and_export_from_the_shell(community, database_url, tmp_path):
    saved = ecg(database_url, "segments", "save", "askers", "--kinds", "question",
                "--within-weeks", "26", "--channels", "general")  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert "saved askers: channels: general; kinds: question; within_weeks: 26" in saved.stdout
    listed = ecg(database_url, "segments", "list")
    assert "askers: channels: general; kinds: question; within_weeks: 26" in listed.stdout
    shown = ecg(database_url, "segments", "show", "askers", "--week", "2026-W46")
    assert "askers in 2026-W46: 1 people" in shown.stdout
    assert "2026-W41       1" in shown.stdout  # W41 is the first week anyone wrote:
    assert "2026-W40" not in shown.stdout  # no empty week is listed before it
    out = tmp_path / "askers.csv"
    exported = ecg(database_url, "segments", "export", "askers", "--week", "2026-W46",
                   "--output", str(out))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert f"1 people written to {out}" in exported.stdout
    (row,) = csv.DictReader(io.StringIO(out.read_text()))
    assert list(row) == list(EXPORT_FIELDS)
    assert (row["name"], row["state"], row["accounts"]) == (
        "U-ana",
        "vital",
        "slack U-ana; discord ana#1",
    )
    with make_engine(database_url).connect() as conn:
        log = audit.entries(conn, NOW, datetime(2100, 1, 1, tzinfo=UTC), action="segment.export")
    assert list(log["actor"]) == ["ecg command line"]
    missing = ecg(database_url, "segments", "export", "nobody")
    assert missing.returncode == 2
    assert "there is no segment 'nobody' (saved: askers)" in missing.stderr
    bad = ecg(database_url, "segments", "save", "x", "--states", "sleepy")
    assert bad.returncode == 2 and "unknown state(s): sleepy" in bad.stderr


def recent_community(url: str) -> None:
    """ana asks twice in the last complete week (UTC), bo answers once: whatever today is."""
    from analysis.weeks import last_complete_week
    from dashboard.communities import prepare_community
    from ingest.pipeline import ImportTarget, run_import
    from tests.test_lifecycle import _message

    engine = make_engine(url)
    prepare_community(engine, "c")
    now = datetime.now(UTC)
    monday = last_complete_week(now, "UTC").start("UTC")
    rows = [
        _message(1, monday + timedelta(hours=9), "ana", "how do I join the team?"),
        _message(2, monday + timedelta(hours=10), "bo", "ask the admins", "m1"),
        _message(3, monday + timedelta(days=2), "ana", "where is the wiki?"),
    ]
    run_import(engine, rows, ImportTarget("c", "discord", "discord"))
    refresh_member_weeks(engine, 1, "UTC", now)
    engine.dispose()


def test_the_segments_page_saves_a_segment_and_an_analyst_exports_it(monkeypatch, database_url):
    from tests.test_pages import open_page

    recent_community(database_url)
    app = open_page(monkeypatch, database_url, "../pages/segments.py", role=Role.ANALYST)
    assert {m.label: m.value for m in app.metric}.popitem()[1] == "2"  # ana and bo
    app.multiselect(key="segment__kinds").select("question").run()
    assert not app.exception, [e.message for e in app.exception]
    (metric,) = app.metric
    assert metric.value == "1"
    (people,) = (frame.value for frame in app.dataframe)
    assert list(people["member"]) == ["ana (discord ana)"]
    app.text_input(key="segment__save_as").input("askers").run()
    app.button(key="segment__save").click().run()
    assert app.selectbox(key="segment_name").value == "askers"
    app.button(key="segment_export").click().run()
    assert not app.exception, [e.message for e in app.exception]
    (download,) = app.get("download_button")
    assert "askers.csv" in download.proto.label
    with make_engine(database_url).connect() as conn:
        saved = member_notes.saved_segments(conn, 1)
        log = audit.entries(conn, NOW, datetime(2100, 1, 1, tzinfo=UTC))
    assert saved == {"askers": Segment(kinds=["question"])}
    assert {(a, t) for a, t in zip(log["action"], log["target"], strict=True)} >= {
        ("segment.save", "askers"),
        ("segment.export", "askers"),
    }


def test_a_manager_saves_segments_but_cannot_export(monkeypatch, database_url):
    from tests.test_pages import open_page

    recent_community(database_url)
    app = open_page(monkeypatch, database_url, "../pages/segments.py", role=Role.MANAGER)
    assert not [b for b in app.button if b.key == "segment_export"]
    assert any("Analysts and admins can export" in c.value for c in app.caption)
    app.multiselect(key="segment__states").select("new").run()
    app.text_input(key="segment__save_as").input("newcomers").run()
    app.button(key="segment__save").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert app.selectbox(key="segment_name").value == "newcomers"


def test_staff_tag_and_note_a_member_on_the_profile_and_forgetting_removes_them(
    monkeypatch, database_url
):
    from data_access.forget import forget_member
    from tests.test_pages import open_page

    recent_community(database_url)
    app = open_page(monkeypatch, database_url, "../pages/member_profile.py", role=Role.MANAGER)
    app.query_params["person"] = "1"  # ana
    app.run()
    app.text_input(key="profile-new-tag").input("Speaker")
    app.button[0].click().run()  # the tag form's button comes first
    assert not app.exception, [e.message for e in app.exception]
    app.text_area(key="profile-note-text").input("Met her at the meetup; wants to help.")
    next(b for b in app.button if b.label == "Save note").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert any("speaker" in m.value for m in app.markdown)
    notes = app.dataframe[0].value
    assert list(notes["note"]) == ["Met her at the meetup; wants to help."]
    assert list(notes["by"]) == ["manager"]
    engine = make_engine(database_url)
    forget_member(engine, 1, 1, actor=Actor("root", Role.ADMIN), now=datetime.now(UTC))
    with engine.connect() as conn:
        assert member_notes.tags_of(conn, 1, 1) == []
        assert member_notes.notes_of(conn, 1, 1).empty
        log = audit.entries(conn, NOW, datetime(2100, 1, 1, tzinfo=UTC), action="member.forget")
    assert log.iloc[0]["new_value"]["tags_and_notes_removed"] == 2


def test_alert_rules_on_vital_members_newly_at_risk_and_a_segments_size(community, database_url):
    """Counted with W47 complete: ana, vital W43-W46 and quiet since W45, is at risk in
    W47, a vital member newly at risk (from the end of W47, Monday 23 November 00:00 in
    Berlin, to the backtest's end). The "askers" segment (questions in the last 2 weeks)
    holds ana in W46 (she asked in W45) and no one in W47: a rule on it falling below 1
    fires from the end of W47."""
    from alerts.catalog import save_rule
    from alerts.rules import RuleValidationError, rule_from_fields

    engine, _people = community
    refresh_member_weeks(engine, 1, BERLIN, datetime(2026, 11, 24, 12, tzinfo=UTC))
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    member_notes.save_segment(
        engine, 1, "askers", Segment(kinds=["question"], within_weeks=2), actor=MANAGER, now=now
    )
    rules = [
        dict(name="Vital going quiet", metric="vital_newly_at_risk", direction="above",
             threshold="0"),
        dict(name="No askers", metric="segment_size", direction="below", threshold="1",
             scope={"kind": "segment", "value": "askers"}),
    ]  # fmt: skip
    for fields in rules:
        rule = rule_from_fields(condition="threshold", **fields)
        save_rule(engine, 1, rule, actor=ANALYST, now=now)
    outputs = []
    for name in ("Vital going quiet", "No askers"):
        done = ecg(database_url, "alerts", "backtest", name, "--community", "c",
                   "--from", "2026-11-09", "--to", "2026-11-24")  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    vital, askers = outputs
    assert "1 episode(s)" in vital
    assert "everything: 2026-11-23 00:00" in vital and "peak 1 " in vital
    assert "1 episode(s)" in askers
    assert "segment askers: 2026-11-23 00:00" in askers and "peak 0 " in askers
    with pytest.raises(RuleValidationError, match="segment scope"):
        rule_from_fields(name="x", metric="segment_size", condition="threshold",
                         direction="above", threshold="1")  # fmt: skip
    with pytest.raises(RuleValidationError, match="plain threshold"):
        rule_from_fields(name="x", metric="vital_newly_at_risk", condition="zscore",
                         direction="above", threshold="1")  # fmt: skip
