"""`ecg report` writes a real one-page PDF whose text holds the week's KPIs."""

from pypdf import PdfReader

from dashboard.cli.main import main
from data_access.db import make_engine
from tests.ecg_process import run_ecg
from tests.kpi_fixture import build_kpi_community


def test_report_writes_a_one_page_pdf_with_the_kpis(tmp_path, database_url, monkeypatch, capsys):
    url = database_url
    build_kpi_community(make_engine(url))
    monkeypatch.setenv("ECG_DATABASE_URL", url)
    output = tmp_path / "report.pdf"
    argv = ["report", "--week", "2026-W45", "--community", "acme", "--output", str(output)]
    assert main([*argv, "--timezone", "America/Los_Angeles"]) == 0
    assert f"wrote {output} (week 2026-W45, America/Los_Angeles)" in capsys.readouterr().out
    pdf = PdfReader(output)
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "acme: week 2026-W45" in text
    assert "Mon 02 Nov 2026 to Sun 08 Nov 2026 (America/Los_Angeles)" in text
    for line in (
        "Active members 3 3 –",
        "New members 1 3 -2 (-67%)",
        "Messages 5 4 +1 (+25%)",
        "Response rate 50% 100% -50.0 pts (-50%)",
        "Median first response 5 min 6.0 h -5.9 h (-99%)",
        "Negative share 20% 0% +20.0 pts",
    ):
        assert line in text, line
    assert "67" in text and "Health score" in text


def test_report_refuses_a_bad_week_or_zone(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ECG_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["report", "--week", "2026-47"]) == 2
    assert "'2026-47' is not an ISO week like 2026-W47" in capsys.readouterr().err
    assert main(["report", "--week", "2026-W47", "--timezone", "Mars/Base"]) == 2
    assert "--timezone: 'Mars/Base' is not an IANA time zone" in capsys.readouterr().err


def test_a_fresh_demo_install_reports_without_naming_its_community(tmp_path):
    """The README's own example, on the only community there is; a `$` in a topic name is
    drawn as text (matplotlib read "$5 ... $10" as maths and the PDF failed)."""
    env = {"ECG_DATABASE_URL": f"sqlite:///{tmp_path / 'ecg.db'}"}
    made = run_ecg(["simulate", "--days", "15", "--community", "demo"], tmp_path, **env)
    assert made.returncode == 0, made.stderr
    deals = ["topics", "add", "$5 to $10 deals", "--keyword", "thanks"]
    added = run_ecg(deals, tmp_path, **env)
    assert added.returncode == 0, added.stderr
    done = run_ecg(["report", "--output", "weekly.pdf"], tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    text = PdfReader(tmp_path / "weekly.pdf").pages[0].extract_text()
    assert "demo: week" in text
    assert "$5 to $10 deals" in text


def test_several_communities_are_named_when_none_is_chosen(tmp_path):
    env = {"ECG_DATABASE_URL": f"sqlite:///{tmp_path / 'ecg.db'}"}
    for name in ("acme", "demo"):
        made = run_ecg(["simulate", "--days", "1", "--community", name], tmp_path, **env)
        assert made.returncode == 0, made.stderr
    done = run_ecg(["report"], tmp_path, **env)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "ecg: error: there are 2 communities: choose one with --community (acme, demo)"
    )


def test_chinese_names_are_drawn_in_a_cjk_font_not_boxes(tmp_path):
    """A topic named in Chinese appears in the PDF's text, drawn with a CJK font embedded
    beside DejaVu Sans (fonts-noto-cjk, which .ci/run installs)."""
    from pathlib import Path

    import pytest

    from dashboard.report.pdf import CJK_FONT_FILES

    if not any(Path(path).exists() for path in CJK_FONT_FILES):
        pytest.skip("no CJK font on this machine: apt-get install fonts-noto-cjk")
    env = {"ECG_DATABASE_URL": f"sqlite:///{tmp_path / 'ecg.db'}"}
    made = run_ecg(["simulate", "--days", "15", "--community", "演示社区"], tmp_path, **env)
    assert made.returncode == 0, made.stderr
    added = run_ecg(["topics", "add", "感谢与表扬", "--keyword", "thanks"], tmp_path, **env)
    assert added.returncode == 0, added.stderr
    done = run_ecg(["report", "--output", "weekly.pdf"], tmp_path, **env)
    assert done.returncode == 0, done.stderr
    page = PdfReader(tmp_path / "weekly.pdf").pages[0]
    text = page.extract_text()
    assert "演示社区: week" in text
    assert "感谢与表扬" in text
    fonts = [str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]
    assert any("CJK" in name for name in fonts), fonts


def test_report_in_chinese(tmp_path, database_url):
    """`ecg report --language zh_CN`: the page's words, dates and summary in Chinese; the
    figures the same as in English."""
    build_kpi_community(make_engine(database_url))
    output = tmp_path / "report.pdf"
    argv = ["report", "--week", "2026-W45", "--community", "acme", "--output", str(output)]
    done = run_ecg(
        [*argv, "--timezone", "America/Los_Angeles", "--language", "zh_CN"],
        tmp_path,
        ECG_DATABASE_URL=database_url,
    )
    assert done.returncode == 0, done.stderr
    assert "活跃成员" in done.stdout  # the summary, as written in Chinese
    text = PdfReader(output).pages[0].extract_text()
    assert "acme：2026-W45 周" in text
    assert "2026年11月2日 至 2026年11月8日（America/Los_Angeles）" in text
    for line in ("活跃成员 3 3 –", "消息数 5 4 +1 (+25%)", "回复率 50% 100% -50.0 个百分点 (-50%)"):
        assert line in text, line
    assert "健康分" in text and "最近 12 周" in text
    assert "Active members" not in text and "Health score" not in text


def _group_without_replies(url: str) -> None:
    """A WhatsApp-like group in W45: four messages, three questions, no reply recorded."""
    from datetime import UTC, datetime, timedelta

    from dashboard.communities import prepare_community
    from ingest.pipeline import ImportTarget, run_import
    from ingest.records import ParsedRow, RawMessage

    engine = make_engine(url)
    prepare_community(engine, "group", "none")
    at = datetime(2026, 11, 3, 10, tzinfo=UTC)
    texts = ["anyone here?", "how do i log in?", "hello all", "why is it slow?"]
    rows = [
        ParsedRow(n, RawMessage(f"m{n}", at + timedelta(minutes=n), "group", f"u{n}", f"U{n}", t))
        for n, t in enumerate(texts, start=1)
    ]
    run_import(engine, rows, ImportTarget("group", "chat.txt", "whatsapp"))
    engine.dispose()


def test_a_group_without_replies_has_no_response_figures_and_says_so(tmp_path, database_url):
    _group_without_replies(database_url)
    output = tmp_path / "report.pdf"
    done = run_ecg(
        ["report", "--week", "2026-W45", "--community", "group", "--output", str(output)],
        tmp_path,
        ECG_DATABASE_URL=database_url,
    )
    assert done.returncode == 0, done.stderr
    text = PdfReader(output).pages[0].extract_text()
    assert "Response rate – – –" in text  # not 0%: no answer could ever be seen
    assert "no data in these weeks" in text  # its sparkline, instead of empty axes


def test_the_weekly_page_draws_no_flat_zero_for_a_rate_never_measured(monkeypatch, database_url):
    from access.permissions import Role
    from analysis.weeks import Week
    from tests.test_pages import open_page

    _group_without_replies(database_url)
    app = open_page(monkeypatch, database_url, "../pages/weekly.py", role=Role.EXECUTIVE)
    next(s for s in app.selectbox if s.label == "Week").set_value(Week(2026, 45)).run()
    assert not app.exception, [e.message for e in app.exception]
    cards = {m.label: m for m in app.metric}
    assert cards["Response rate"].value == "–"
    assert list(cards["Response rate"].proto.chart_data) == []  # no line
    # the group began in W45: its line starts there, no flat 0 for the 11 weeks before it
    assert list(cards["Messages"].proto.chart_data) == [4]


def _archive_of_2024(url: str) -> None:
    """Two weeks of 2024 (W10 and W11), seven messages each: older than the 52 weeks the
    Weekly page offers before now."""
    from datetime import UTC, datetime, timedelta

    from dashboard.communities import prepare_community
    from ingest.pipeline import ImportTarget, run_import
    from ingest.records import ParsedRow, RawMessage

    engine = make_engine(url)
    prepare_community(engine, "old", "none")
    monday = datetime(2024, 3, 4, 10, tzinfo=UTC)  # 2024-W10
    rows = [
        ParsedRow(n, RawMessage(f"m{n}", monday + timedelta(days=n), "general", f"u{n % 3}",
                                f"U{n % 3}", f"message {n}"))
        for n in range(14)
    ]  # fmt: skip
    run_import(engine, rows, ImportTarget("old", "archive.csv", "chat"))
    engine.dispose()


def test_the_weekly_page_offers_an_old_archives_own_weeks(monkeypatch, database_url):
    from access.permissions import Role
    from tests.test_pages import open_page

    _archive_of_2024(database_url)
    app = open_page(monkeypatch, database_url, "../pages/weekly.py", role=Role.EXECUTIVE)
    assert not app.exception, [e.message for e in app.exception]
    week = next(s for s in app.selectbox if s.label == "Week")
    assert week.value.name == "2024-W11"  # the archive's newest week (only empty weeks were)
    assert {m.label: m.value for m in app.metric}["Messages"] == "7"


def test_ecg_report_of_an_old_archive_is_of_its_last_week(tmp_path, database_url):
    _archive_of_2024(database_url)
    done = run_ecg(["report", "--community", "old"], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    assert "wrote old-2024-W11.pdf (week 2024-W11, UTC)" in done.stdout
    assert "Messages 7 7" in PdfReader(tmp_path / "old-2024-W11.pdf").pages[0].extract_text()


def test_ecg_report_opens_on_the_newest_messages_week_when_none_came_since(tmp_path, database_url):
    """The group's four messages are of 2026-W45, inside the 52 weeks before now: the
    report was of the last complete week, empty ("No messages this week")."""
    _group_without_replies(database_url)
    done = run_ecg(["report", "--community", "group"], tmp_path, ECG_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    assert "wrote group-2026-W45.pdf (week 2026-W45, UTC)" in done.stdout
    assert not done.stdout.startswith("No messages this week")
    assert "Messages 4" in PdfReader(tmp_path / "group-2026-W45.pdf").pages[0].extract_text()
