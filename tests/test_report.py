"""`ecg report` writes a real one-page PDF whose text holds the week's KPIs."""

from pypdf import PdfReader

from dashboard.cli import main
from data_access.db import make_engine
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
