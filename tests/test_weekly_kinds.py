"""Kinds of message on the Weekly report: counts against the week before, the open
questions and the top bug reports, worked out by hand on a small community."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from access.permissions import Role
from analysis.weeks import Week
from dashboard.communities import prepare_community
from dashboard.report.figures import weekly_report
from data_access.db import make_engine
from data_access.schema import Community
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage
from tests.test_pages import open_page

# id, day of November 2026 and hour (UTC), author, text, reply to; kind read in brackets
MESSAGES = [
    ("old", (1, 9), "ann", "How do I log in?", None),  # W44 [question]
    ("q1", (3, 10), "ann", "How do I export my data?", None),  # [question] answered
    ("a1", (3, 11), "bob", "Use the export button in the menu.", "q1"),  # [other]
    ("q2", (4, 11), "cid", "Is there a dark theme?", None),  # [question] only cid replied
    ("a2", (4, 12), "cid", "Found it, cheers.", "q2"),  # [other]
    ("q3", (5, 12), "dan", "Where are the logs stored?", None),  # [question] no reply
    ("b1", (5, 9), "eve", "The app crashes when I open settings", None),  # [bug_report]
    ("r1", (5, 10), "ann", "Same here, it crashed for me too.", "b1"),  # [bug_report] reply
    ("r2", (5, 11), "bob", "Me too since yesterday.", "b1"),  # [other]
    ("b2", (6, 9), "fay", "Login fails with an error", None),  # [bug_report]
    ("r3", (6, 10), "ann", "Not yet, sorry.", "b2"),  # [other]
    ("p1", (6, 15), "gus", "Thanks, great work on the release!", None),  # [praise]
]


@pytest.fixture
def kinds_url(database_url):
    engine = make_engine(database_url)
    prepare_community(engine, "kinds")
    rows = [
        ParsedRow(
            n,
            RawMessage(
                external_id,
                datetime(2026, 11, day, hour, tzinfo=UTC),
                "general",
                author,
                author.capitalize(),
                text,
                reply_to,
            ),
        )
        for n, (external_id, (day, hour), author, text, reply_to) in enumerate(MESSAGES, 1)
    ]
    run_import(engine, rows, ImportTarget("kinds", "chat", "discord"))
    engine.dispose()
    return database_url


def test_week_45_counts_kinds_and_lists_open_questions_and_bug_reports(kinds_url):
    engine = make_engine(kinds_url)
    with engine.connect() as conn:
        community_id = conn.scalar(select(Community.id).where(Community.name == "kinds"))
        report = weekly_report(conn, community_id, "kinds", Week(2026, 45), "UTC")
    engine.dispose()
    kinds = report.kinds.set_index("kind")
    assert kinds.loc["question"].tolist() == [3, 1, 2]  # this week, the week before, change
    assert kinds.loc["bug_report"].tolist() == [3, 0, 3]  # b1, b2 and the reply r1
    assert kinds.loc["praise"].tolist() == [1, 0, 1]
    assert kinds.loc["other"].tolist() == [4, 0, 4]  # a1, a2, r2, r3
    assert kinds["messages"].sum() == 11
    # q1 was answered by bob; q2 only by its own asker; q3 by no one; newest first
    assert report.open_questions["text"].tolist() == [
        "Where are the logs stored?",
        "Is there a dark theme?",
    ]
    assert report.open_question_count == 2
    # b1 has two replies by others, b2 one; r1 is a reply, not a top-level report
    assert report.bug_reports[["text", "replies"]].values.tolist() == [
        ["The app crashes when I open settings", 2],
        ["Login fails with an error", 1],
    ]


def test_the_weekly_page_shows_kinds_open_questions_and_bug_reports(monkeypatch, kinds_url):
    app = open_page(monkeypatch, kinds_url, None, role=Role.EXECUTIVE)
    week = next(s for s in app.selectbox if s.label == "Week")
    week.set_value(Week(2026, 45)).run()
    assert not app.exception, [e.message for e in app.exception]
    subheaders = [s.value for s in app.subheader]
    assert {"Kinds of message", "Open questions", "Top bug reports"} <= set(subheaders)
    tables = [frame.value for frame in app.dataframe]
    kinds = next(t for t in tables if "this week" in t.columns).set_index("kind")
    assert kinds.loc["question", "this week"] == 3
    assert kinds.loc["bug report", "this week"] == 3
    questions = next(t for t in tables if "Where are the logs stored?" in set(t.get("text", [])))
    assert len(questions) == 2
    assert any("2 questions of the week" in c.value for c in app.caption)


def test_the_weekly_pdf_has_the_kinds(tmp_path, kinds_url):
    from pypdf import PdfReader

    from tests.ecg_process import run_ecg

    output = tmp_path / "week.pdf"
    argv = ["report", "--week", "2026-W45", "--community", "kinds", "--timezone", "UTC"]
    done = run_ecg([*argv, "--output", str(output)], tmp_path, ECG_DATABASE_URL=kinds_url)
    assert done.returncode == 0, done.stderr
    text = PdfReader(output).pages[0].extract_text()
    for line in (
        "Kinds of message",
        "questions: 3 (week before 1)",
        "bug reports: 3 (week before 0)",
        "2 questions no one else has replied to",
        "- bug (2 replies): The app crashes when I open settings",
        "- bug (1 reply): Login fails with an error",
    ):
        assert line in text, line
