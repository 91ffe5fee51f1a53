"""The Weekly report page under AppTest, on the hand-built community of tests/test_kpis.py."""

from datetime import UTC, datetime

import pytest

from access.permissions import Role
from analysis.weeks import Week, last_complete_week
from data_access.db import make_engine
from tests.kpi_fixture import build_kpi_community
from tests.test_pages import open_page


@pytest.fixture
def kpi_url(database_url):
    url = database_url
    engine = make_engine(url)
    build_kpi_community(engine)
    engine.dispose()
    return url


def test_executive_reads_week_45_in_los_angeles(monkeypatch, kpi_url):
    app = open_page(monkeypatch, kpi_url, None, role=Role.EXECUTIVE)
    assert app.header[0].value == "Weekly report"  # an executive's first page
    app.selectbox(key="timezone").set_value("America/Los_Angeles").run()
    week = next(s for s in app.selectbox if s.label == "Week")
    week.set_value(Week(2026, 45)).run()
    assert not app.exception, [e.message for e in app.exception]
    metrics = {m.label: (m.value, m.proto.delta) for m in app.metric}
    assert metrics["Active members"] == ("3", "")  # unchanged: no delta shown
    assert metrics["Messages"] == ("5", "+1 (+25%)")
    assert metrics["Churned members"] == ("1", "+1")
    assert metrics["Response rate"] == ("50%", "-50.0 pts (-50%)")
    assert metrics["Median first response"] == ("5 min", "-5.9 h (-99%)")
    assert metrics["Negative share"] == ("20%", "+20.0 pts")
    assert metrics["Health score"][0] == "67 / 100"
    summary = app.markdown[0].value.replace("\\", "")
    assert summary.startswith("**Summary.** Active members held at 3; messages rose 25% to 5;")
    downloads = [d.proto.label for d in app.get("download_button")]
    assert downloads == ["KPI table (CSV)", "Weekly report (PDF)"]


def test_two_weeks_side_by_side(monkeypatch, kpi_url):
    app = open_page(monkeypatch, kpi_url, None, role=Role.EXECUTIVE)
    app.selectbox(key="timezone").set_value("America/Los_Angeles").run()
    app.toggle[0].set_value(True).run()
    app.selectbox(key="cmp-a").set_value(Week(2026, 44)).run()
    app.selectbox(key="cmp-b").set_value(Week(2026, 45)).run()
    table = app.dataframe[-1].value.set_index("kpi")
    assert table.loc["Messages"].tolist() == ["4", "5", "+1"]
    assert table.loc["Active members"].tolist() == ["3", "3", "0"]
    assert table.loc["Response rate"].tolist() == ["100%", "50%", "-50.0 pts"]
    assert table.loc["Median first response"].tolist() == ["6.0 h", "5 min", "-5.9 h"]


def test_a_chinese_reader_gets_the_summary_written_in_chinese(monkeypatch, kpi_url):
    from data_access import accounts
    from tests.test_pages import ensure_user

    ensure_user(kpi_url, Role.EXECUTIVE)
    engine = make_engine(kpi_url)
    accounts.set_language(engine, "executive", "zh_CN")
    engine.dispose()
    app = open_page(monkeypatch, kpi_url, None, role=Role.EXECUTIVE)
    app.selectbox(key="timezone").set_value("America/Los_Angeles").run()
    next(s for s in app.selectbox if s.label == "周").set_value(Week(2026, 45)).run()
    summary = app.markdown[0].value.replace("\\", "")
    assert summary.startswith("**摘要。** 活跃成员持平，为 3 人；消息增长 25%，达到 5 条；")


def test_an_archive_opens_on_the_week_of_its_newest_message(monkeypatch, kpi_url):
    """The community's last message is on Sunday 2026-11-08 (W45 in Los Angeles, where
    test_executive_reads_week_45_in_los_angeles reads it): the page opens there,
    not on the newest complete week (nothing in it), and says why; the later weeks are
    still offered."""
    app = open_page(monkeypatch, kpi_url, None, role=Role.EXECUTIVE)
    app.selectbox(key="timezone").set_value("America/Los_Angeles").run()
    assert not app.exception, [e.message for e in app.exception]
    week = next(s for s in app.selectbox if s.label == "Week")
    assert week.value == Week(2026, 45)
    assert week.index > 0  # newer weeks come first in the list
    assert [c.value for c in app.caption if c.value.startswith("No messages after")] == [
        "No messages after Nov 8, 2026: the report opens on the week of the newest."
    ]
    assert next(m for m in app.metric if m.label == "Health score").value == "67 / 100"
    # the newest, empty week: its tables say so instead of drawing grids reading "empty"
    week.set_value(last_complete_week(datetime.now(UTC), "America/Los_Angeles")).run()
    assert not app.exception, [e.message for e in app.exception]
    captions = [c.value for c in app.caption]
    assert "No message of this week is in a topic." in captions
    assert captions.count("No messages in this week.") == 2  # platforms, channels
    assert not any("topic" in list(d.value.columns) for d in app.dataframe)
