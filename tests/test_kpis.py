"""Weekly KPIs on a hand-built community, by hand, in two time zones across the end of US
daylight saving time (Sunday 2026-11-01), and on real chat data against pandas."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select, update

from analysis.weeks import Week, last_complete_week, parse_week
from dashboard import i18n
from dashboard.communities import prepare_community
from dashboard.report.figures import refresh_stored_figures, weekly_report
from dashboard.report.words import critical_incidents
from data_access import alert_store
from data_access.db import make_engine
from data_access.schema import AlertRule, Community, WeeklyFigures
from ingest.formats.tabular import read_csv
from ingest.pipeline import ImportTarget, run_import
from ingest.records import Activity, ParsedRow, RawMessage
from tests.conftest import SHARED_DATA, unavailable
from tests.kpi_fixture import build_kpi_community
from tests.test_import_real_chat import MAPPING, MATRIX, TARGET

LA, SHANGHAI = "America/Los_Angeles", "Asia/Shanghai"
W44, W45, W48 = Week(2026, 44), Week(2026, 45), Week(2026, 48)


def test_week_boundaries_follow_the_zone_and_its_clock_changes():
    # W44 in Los Angeles: Monday 26 Oct 00:00 PDT to Monday 2 Nov 00:00 PST, 169 hours
    assert W44.start(LA) == datetime(2026, 10, 26, 7, tzinfo=UTC)
    assert W44.end(LA) == datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert W44.end(LA) - W44.start(LA) == timedelta(hours=169)
    assert W45.start(SHANGHAI) == datetime(2026, 11, 1, 16, tzinfo=UTC)
    assert parse_week("2026-W45") == W45 and W45.name == "2026-W45"
    assert last_complete_week(datetime(2026, 11, 9, 7, 59, tzinfo=UTC), LA) == W44  # Sunday, LA
    assert last_complete_week(datetime(2026, 11, 9, 8, 0, tzinfo=UTC), LA) == W45
    for bad in ("2026-47", "2026-W54", "W47"):
        with pytest.raises(ValueError):
            parse_week(bad)


def test_the_week_a_report_opens_on():
    from analysis.weeks import week_to_open

    now = datetime(2026, 12, 7, 19, tzinfo=UTC)  # a Monday: W49 is the last complete week
    assert week_to_open(None, now, "UTC", 52) == Week(2026, 49)
    assert week_to_open(datetime(2026, 12, 7, 9, tzinfo=UTC), now, "UTC", 52) == Week(2026, 49)
    assert week_to_open(datetime(2026, 11, 30, 0, tzinfo=UTC), now, "UTC", 52) == Week(2026, 49)
    # nothing in W49 or after: the week of the newest message, in the zone asked for
    assert week_to_open(datetime(2026, 11, 29, 23, tzinfo=UTC), now, "UTC", 52) == W48
    assert week_to_open(datetime(2026, 11, 9, 7, tzinfo=UTC), now, LA, 52) == W45  # Sun 23:00
    assert week_to_open(datetime(2024, 3, 10, tzinfo=UTC), now, "UTC", 52) == Week(2024, 10)


def test_each_kpi_by_hand_in_los_angeles(engine):
    community_id = build_kpi_community(engine)
    add_incidents(engine, community_id)
    with engine.connect() as conn:
        report = weekly_report(conn, community_id, "acme", W45, LA)
    before, week = report.figures[-2], report.figures[-1]
    # W44 (LA): a1, b1, c1 and a2 (Sunday 23:30 PST), three people, all new
    assert (before.active, before.new, before.messages) == (3, 3, 4)
    assert (before.threads, before.asked, before.answered) == (2, 2, 2)
    assert before.median_response_minutes == (30 + 690) / 2
    # W45: dave (new), bob, carol and the bot; alice churned; bob and carol returned
    assert (week.active, week.new, week.returning, week.churned) == (3, 1, 2, 1)
    assert week.messages == 5
    # d1 got replies (a thread); c2 asks; only d1 answered by someone else, after 5 min
    assert (week.threads, week.asked, week.answered) == (1, 2, 1)
    assert week.response_rate == 0.5 and week.median_response_minutes == 5.0
    # VADER compound of d1, b2, d2, the bot's and c2 (the only negative one)
    assert week.avg_sentiment == pytest.approx((0.7345 + 0.7184 + 0.4404 + 0.0 - 0.7269) / 5)
    assert week.negative_share == pytest.approx(1 / 5)
    assert report.incidents["counts"] == {"critical": 1, "warning": 1, "info": 0}
    assert report.incidents["firing_hours"] == 2.0  # 10:00-11:00 and 10:30-12:00 overlap
    parts = {p.name: round(p.points, 2) for p in report.health_parts}
    assert parts == {
        "Activity": 25.0,  # 3 active, the median of the weeks before is 3
        "Retention": 16.67,  # 2 returning of last week's 3
        "Responsiveness": 12.5,  # half answered
        "Mood": 12.5,  # 20% negative: 25 x (1 - 0.2 / 0.4)
        "Incidents": -7.0,  # one critical (-5), one warning (-2)
    }
    assert report.health == 60
    assert report.summary == (
        "Active members held at 3; messages rose 25% to 5; negative share rose from 0% to "
        "20%. 50% of questions and threads were answered, the first answer after 5 min "
        "(median). 1 critical incident: Volume surge on everything. Most discussed topic: "
        "bugs (1 message)."
    )
    assert report.summary_zh == (
        "活跃成员持平，为 3 人；消息增长 25%，达到 5 条；负面占比从 0% 升至 20%。"
        "问题和讨论串中有 50% 得到了回复，首次回复的中位时间为 5 分钟。"
        "严重事件 1 起：消息量激增（全部）。讨论最多的话题：bugs（1 条消息）。"
    )
    # the Weekly page and the PDF list them in the viewer's language
    assert critical_incidents(report) == ["Volume surge on everything"]
    with i18n.speaking(i18n.CHINESE):
        assert critical_incidents(report) == ["全部：消息量激增"]
    card = report.card("messages")
    assert (card.value, card.previous, card.change, card.change_pct, card.good) == (
        5,
        4,
        1,
        0.25,
        True,
    )
    assert report.card("churned").good is False  # more churn is bad news
    assert report.card("active").history[-2:] == (3, 3) and len(report.card("active").history) == 12


def test_the_same_messages_in_shanghai(engine):
    community_id = build_kpi_community(engine)
    with engine.connect() as conn:
        report = weekly_report(conn, community_id, "acme", W45, SHANGHAI)
    week = report.figures[-1]
    # W45 here starts Sunday 16:00 UTC: c1 and a2 move in, c2 (Monday 04:00) moves out
    assert (week.active, week.new, week.returning, week.churned) == (4, 2, 2, 0)
    assert week.messages == 6
    assert (week.threads, week.asked, week.answered) == (2, 2, 2)
    assert week.median_response_minutes == (5 + 690) / 2
    assert report.channels[["channel", "messages", "active members"]].values.tolist() == [
        ["general", 6, 4]
    ]


def add_incidents(engine, community_id):
    with engine.connect() as conn:
        rule_id = conn.scalar(AlertRule.__table__.select().with_only_columns(AlertRule.id).limit(1))
    at = datetime(2026, 11, 3, 10, tzinfo=UTC)
    with engine.begin() as conn:
        for name, severity, start, end in (
            ("Volume surge", "critical", at, at + timedelta(hours=1)),
            ("Topic spike", "warning", at + timedelta(minutes=30), at + timedelta(hours=2)),
        ):
            alert_store.open_episode(
                conn,
                {
                    "community_id": community_id,
                    "rule_id": rule_id,
                    "rule_version": 1,
                    "rule_name": name,
                    "severity": severity,
                    "scope_key": "all",
                    "scope_label": "everything",
                    "onset_at": start,
                    "started_at": start,
                    "ended_at": end,
                    "peak_value": 1.0,
                    "peak_score": 1.0,
                    "silenced": False,
                },
            )


@pytest.mark.parametrize("week", [Week(2024, 35), Week(2024, 42)])
def test_real_chat_weeks_match_pandas(real_chat, week):
    engine, community_id, csv = real_chat
    zone = "Europe/Berlin"
    with engine.connect() as conn:
        report = weekly_report(conn, community_id, "matrix", week, zone)
    local = csv["at"].dt.tz_convert(zone)
    iso = local.dt.isocalendar()
    in_week = csv[(iso["year"] == week.year) & (iso["week"] == week.number)]
    first_seen = csv.groupby("author_id")["at"].min().dt.tz_convert(zone).dt.isocalendar()
    new = ((first_seen["year"] == week.year) & (first_seen["week"] == week.number)).sum()
    figures = report.figures[-1]
    assert figures.messages == len(in_week) > 400
    assert figures.active == in_week["author_id"].nunique()
    assert figures.new == new


@pytest.fixture(scope="module")
def real_chat(module_database_url):
    if not SHARED_DATA.is_dir():
        unavailable(f"the shared data folder {SHARED_DATA} is absent")
    path = SHARED_DATA / MATRIX
    engine = make_engine(module_database_url)
    prepare_community(engine, "matrix")
    run_import(engine, read_csv(path, MAPPING), TARGET, path=str(path))
    csv = pd.read_csv(path, dtype=str, keep_default_na=False)
    csv["at"] = pd.to_datetime(csv["timestamp_utc"], utc=True, format="ISO8601")
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "matrix"))
    yield engine, community_id, csv
    engine.dispose()


def test_stored_figures_are_used_until_the_data_changes(engine):
    community_id = build_kpi_community(engine)
    now = datetime(2026, 11, 20, tzinfo=UTC)  # W45 ended 9 Nov; its replies window closed 16 Nov
    with engine.connect() as conn:
        fresh = weekly_report(conn, community_id, "acme", W45, LA)
    # the 12 complete weeks before W47 whose reply window has closed: W35 to W45
    assert refresh_stored_figures(engine, community_id, LA, now) == 11
    assert refresh_stored_figures(engine, community_id, LA, now) == 0
    with engine.connect() as conn:
        assert weekly_report(conn, community_id, "acme", W45, LA).figures == fresh.figures
    with engine.begin() as conn:  # prove the page reads what is stored
        stored = conn.scalar(select(WeeklyFigures.figures).where(WeeklyFigures.week == "2026-W45"))
        conn.execute(
            update(WeeklyFigures)
            .where(WeeklyFigures.week == "2026-W45")
            .values(figures={**stored, "active": 99})
        )
    with engine.connect() as conn:
        assert weekly_report(conn, community_id, "acme", W45, LA).figures[-1].active == 99
    late = ParsedRow(
        0, RawMessage("e1", datetime(2026, 11, 5, 9, tzinfo=UTC), "general", "erin", "Erin", "hi")
    )
    run_import(engine, [late], ImportTarget("acme", "chat", "discord"))
    with engine.connect() as conn:
        week = weekly_report(conn, community_id, "acme", W45, LA).figures[-1]
    assert (week.active, week.messages, week.new) == (4, 6, 2)  # stale: counted again
    assert refresh_stored_figures(engine, community_id, LA, now) == 1  # W45 only


def test_joins_reactions_and_leaves_feed_the_member_figures(engine):
    community_id = build_kpi_community(engine)
    day = datetime(2026, 11, 3, tzinfo=UTC)
    events = [
        Activity("reaction", day + timedelta(hours=11), "general", "alice", "Alice", "d1"),
        Activity("join", day + timedelta(days=2), "general", "erin", "Erin"),
        Activity("leave", day + timedelta(days=3), "general", "carol", "Carol"),
    ]
    rows = [ParsedRow(n, None, "event", True, (event,)) for n, event in enumerate(events)]
    summary = run_import(engine, rows, ImportTarget("acme", "chat", "discord"))
    assert summary.activity == 3
    with engine.connect() as conn:
        week = weekly_report(conn, community_id, "acme", W45, LA).figures[-1]
    # alice reacted (active, so she returned); erin joined (new, not active); carol left
    assert (week.active, week.new, week.returning, week.churned, week.left) == (4, 2, 3, 0, 1)
    assert week.messages == 5  # activity is not messages


def test_a_change_too_small_to_show_is_no_change():
    """A median first response 20 s faster read "-0 min"."""
    from analysis.kpi_cards import change_text

    class Card:
        kind, change, change_pct = "minutes", -0.3, -0.06

    assert change_text(Card()) is None
    Card.change = -2.0
    assert change_text(Card()) == "-2 min (-6%)"
    Card.kind, Card.change = "count", -1  # 733 returning members after 734: not "(-0%)"
    Card.change_pct = -1 / 734
    assert change_text(Card()) == "-1 (-0.1%)"
    Card.change, Card.change_pct = 1, 1 / 11_326
    assert change_text(Card()) == "+1 (<0.1%)"


def test_sparklines_have_no_points_before_the_data_began():
    """Weeks before the first message were drawn as zeros: every line rose from zero."""
    from analysis.kpi_cards import kpi_cards
    from analysis.kpis import WeekFigures

    empty = WeekFigures(0, 0, None, None, 0, 0, 0, 0, None, None, None)
    busy = WeekFigures(5, 2, 3, 1, 40, 4, 6, 5, 12.0, 0.2, 0.1)
    cards = {card.key: card for card in kpi_cards([empty] * 9 + [busy] * 3)}
    assert cards["messages"].history == (None,) * 9 + (40, 40, 40)
    assert cards["active"].history == (None,) * 9 + (5, 5, 5)


def test_incidents_that_repeat_are_named_once_with_their_count():
    """Four critical episodes of two rules: "4 critical incidents: A; B" read as if two
    were missing; each is named once, with how often it happened."""
    from analysis.kpi_cards import kpi_cards, summary, summary_zh
    from analysis.kpis import WeekFigures

    week = WeekFigures(5, 2, 3, 1, 1240, 4, 6, 5, 12.0, 0.2, 0.1)
    cards = kpi_cards([week, week])
    negative, volume = ("Negative-sentiment surge", "everything"), ("Volume surge", "everything")
    incidents = {"counts": {"critical": 4}, "critical": [negative, volume, negative, negative]}
    assert (
        "4 critical incidents: Negative-sentiment surge on everything ×3; "
        "Volume surge on everything." in summary(cards, incidents, None)
    )
    negative_zh, volume_zh = "负面情绪激增（全部）", "消息量激增（全部）"
    worded = [negative_zh, volume_zh, negative_zh, negative_zh]
    assert "严重事件 4 起：消息量激增（全部）；负面情绪激增（全部）×3。" in summary_zh(
        cards, incidents, None, worded
    )


def test_a_week_without_messages_is_summed_up_as_one():
    """Not "Active members held at 0; messages held at 0; negative share unknown"."""
    from analysis.kpi_cards import kpi_cards, summary, summary_zh
    from analysis.kpis import WeekFigures

    empty = WeekFigures(0, 0, None, None, 0, 0, 0, 0, None, None, None)
    busy = WeekFigures(5, 2, 3, 1, 1240, 4, 6, 5, 12.0, 0.2, 0.1)
    quiet = {"counts": {}, "critical": []}
    after_quiet, after_busy = kpi_cards([empty] * 3), kpi_cards([busy, busy, empty])
    assert summary(after_quiet, quiet, None) == "No messages this week. No critical incidents."
    assert summary_zh(after_quiet, quiet, None) == "本周没有消息。没有严重事件。"
    assert summary(after_busy, quiet, None) == (
        "No messages this week (1,240 the week before). No critical incidents."
    )
    assert summary_zh(after_busy, quiet, None) == "本周没有消息（上周 1,240 条）。没有严重事件。"


def _messages(prefix: str, texts_and_replies: list[tuple[str, str | None]], at: datetime):
    return [
        ParsedRow(
            n,
            RawMessage(
                f"{prefix}{n}", at + timedelta(minutes=n), "general", f"{prefix}u{n % 2}",
                f"{prefix}U{n % 2}", text, reply_to and f"{prefix}{reply_to}",
            ),
        )
        for n, (text, reply_to) in enumerate(texts_and_replies, start=1)
    ]  # fmt: skip


def test_a_week_with_nothing_in_it_or_the_weeks_before_has_no_health_score(engine):
    """Parts without evidence count full points (a group chat without replies keeps its
    responsiveness), so a week twelve weeks past an archive's last message read 100 / 100."""
    community_id = build_kpi_community(engine)
    with engine.connect() as conn:
        long_after = weekly_report(conn, community_id, "acme", Week(2027, 10), LA)
        quiet = weekly_report(conn, community_id, "acme", Week(2026, 47), LA)
    assert (long_after.health, long_after.health_parts) == (None, [])
    from dashboard.report.pdf import report_pdf

    assert report_pdf(long_after).startswith(b"%PDF")  # drawn with "–" for the score
    # two weeks after the last message it is still scored: the community went quiet
    parts = {p.name: round(p.points, 2) for p in quiet.health_parts}
    assert parts == {
        "Activity": 0.0,  # no one active, against a median of 3
        "Retention": 0.0,  # W46 had no one who could return: no evidence, Activity's share
        "Responsiveness": 0.0,  # nothing asked
        "Mood": 0.0,  # nothing scored
        "Incidents": 0.0,
    }
    assert quiet.health == 0  # it read 75 / 100 when a part without evidence counted full


def test_a_part_without_evidence_gets_activitys_share_of_its_points():
    """By hand: 6 active against a median of 12 before is Activity 12.5 of 25; nothing
    asked and nothing scored, so Responsiveness and Mood get the same half of theirs;
    4 of last week's 10 came back: Retention 10; one warning: -2. 12.5 + 10 + 12.5 +
    12.5 - 2 = 45.5, shown as 46 (round half to even: 45.5 -> 46)."""
    from analysis.kpi_cards import health_score
    from analysis.kpis import WeekFigures

    def week(active, returning, asked=0, negative_share=None):
        return WeekFigures(
            active, 0, returning, 0, active * 3, 0, asked, 0, None, None, negative_share
        )

    usual = [week(12, 6, asked=4, negative_share=0.1) for _ in range(3)]
    figures = [*usual, week(10, 8, asked=2, negative_share=0.1), week(6, 4)]
    score, parts = health_score(figures, {"warning": 1})
    assert [(p.name, p.points) for p in parts] == [
        ("Activity", 12.5),
        ("Retention", 10.0),
        ("Responsiveness", 12.5),
        ("Mood", 12.5),
        ("Incidents", -2),
    ]
    assert score == 46
    # a usual week with nothing asked keeps Responsiveness whole (a group chat export)
    _, parts = health_score([*usual, week(12, 9, negative_share=0.1)], {})
    assert parts[2].points == 25.0


def test_questions_where_no_reply_is_ever_recorded_are_not_asked_of_the_response_rate(engine):
    at = datetime(2026, 11, 3, 10, tzinfo=UTC)  # in W45, Los Angeles
    # a group chat export that records no replies: three questions, never "unanswered"
    group = [("anyone here?", None), ("how do i log in?", None), ("why is it slow?", None)]
    prepare_community(engine, "acme")
    run_import(engine, _messages("w", group, at), ImportTarget("acme", "wechat.csv", "wechat"))
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "acme"))
        alone = weekly_report(conn, community_id, "acme", W45, LA)
    week = alone.figures[-1]
    assert (week.threads, week.asked, week.answered, week.response_rate) == (0, 0, 0, None)
    parts = {p.name: p.points for p in alone.health_parts}
    assert parts["Responsiveness"] == 25.0  # no data: full points, as docs/kpis.md says
    assert "answered" not in alone.summary and "回复" not in alone.summary_zh
    assert alone.open_question_count == 0  # none can be seen answered, so none is "open"
    # beside it, a Discord source with replies: of its two questions one is answered
    discord = [("is the server down?", None), ("yes, since noon", "1"), ("what time is it?", None)]
    run_import(engine, _messages("d", discord, at), ImportTarget("acme", "discord", "discord"))
    with engine.connect() as conn:
        both = weekly_report(conn, community_id, "acme", W45, LA)
    week = both.figures[-1]
    assert (week.threads, week.asked, week.answered, week.response_rate) == (1, 2, 1, 0.5)
    assert both.open_questions["text"].tolist() == ["what time is it?"]
