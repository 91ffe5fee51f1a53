"""The weekly report reaches a local SMTP server exactly once, with the PDF attached, also
when the worker restarts around the send time or dies between claiming and sending."""

import io
from datetime import UTC, datetime, time, timedelta

from pypdf import PdfReader

from alerts.notify import Smtp
from dashboard.notify_settings import ReportMail
from dashboard.report.mail import due_week, send_weekly_reports
from data_access import mailings
from tests.kpi_fixture import build_kpi_community
from tests.test_notifications import mailbox  # noqa: F401 (a fixture)

LA = "America/Los_Angeles"
MONDAY_8AM = datetime(2026, 11, 9, 16, 0, tzinfo=UTC)  # Monday 9 Nov, 08:00 PST
MAIL = ReportMail(("boss@example.org", "cfo@example.org"), weekday=0, at=time(8, 0))


def test_due_week_is_last_week_once_the_send_time_has_passed():
    assert due_week(MONDAY_8AM - timedelta(seconds=1), LA, MAIL) is None
    assert due_week(MONDAY_8AM, LA, MAIL).name == "2026-W45"
    assert due_week(MONDAY_8AM + timedelta(days=3), LA, MAIL).name == "2026-W45"


def test_sent_exactly_once_across_restarts(engine, mailbox):  # noqa: F811
    port, mails = mailbox
    build_kpi_community(engine)
    smtp = Smtp(host="127.0.0.1", port=port, sender="ecg@example.org", security="none")
    moments = [
        MONDAY_8AM - timedelta(minutes=1),
        MONDAY_8AM,
        MONDAY_8AM + timedelta(seconds=30),  # a restarted worker, the same minute
        MONDAY_8AM + timedelta(hours=3),
    ]
    sent = [send_weekly_reports(engine, MAIL, smtp, LA, moment) for moment in moments]
    assert sent == [[], ["acme"], [], []]
    ((recipients, message),) = mails
    assert recipients == ["boss@example.org", "cfo@example.org"]
    assert message["Subject"] == "Community ECG weekly report: acme, 2026-W45"
    (attachment,) = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == "acme-2026-W45.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_payload(decode=True)))
    assert len(pdf.pages) == 1 and "Messages 5 4 +1 (+25%)" in pdf.pages[0].extract_text()


def test_a_worker_that_died_after_claiming_is_replaced_after_ten_minutes(engine, mailbox):  # noqa: F811
    port, mails = mailbox
    community_id = build_kpi_community(engine)
    with engine.begin() as conn:  # claimed at 08:00, then the worker was killed
        assert mailings.claim(conn, community_id, "2026-W45", MONDAY_8AM, 5)
    smtp = Smtp(host="127.0.0.1", port=port, security="none")
    assert send_weekly_reports(engine, MAIL, smtp, LA, MONDAY_8AM + timedelta(minutes=5)) == []
    later = MONDAY_8AM + timedelta(minutes=11)
    assert send_weekly_reports(engine, MAIL, smtp, LA, later) == ["acme"]
    assert len(mails) == 1


def test_an_unreachable_server_is_retried_next_time(engine, mailbox, caplog):  # noqa: F811
    port, mails = mailbox
    build_kpi_community(engine)
    down = Smtp(host="127.0.0.1", port=1, security="none")  # nothing listens there
    assert send_weekly_reports(engine, MAIL, down, LA, MONDAY_8AM) == []
    assert "weekly report of acme for 2026-W45 not sent" in caplog.text
    up = Smtp(host="127.0.0.1", port=port, security="none")
    assert send_weekly_reports(engine, MAIL, up, LA, MONDAY_8AM + timedelta(minutes=1)) == ["acme"]
    assert len(mails) == 1


def test_nothing_is_sent_without_recipients(engine):
    build_kpi_community(engine)
    mail = ReportMail(())
    assert send_weekly_reports(engine, mail, Smtp(host="x"), LA, MONDAY_8AM) == []


def test_the_report_mail_can_be_written_in_chinese(engine, mailbox):  # noqa: F811
    port, mails = mailbox
    build_kpi_community(engine)
    smtp = Smtp(host="127.0.0.1", port=port, sender="ecg@example.org", security="none")
    chinese = ReportMail(MAIL.recipients, weekday=0, at=time(8, 0), language="zh_CN")
    assert send_weekly_reports(engine, chinese, smtp, LA, MONDAY_8AM) == ["acme"]
    ((_, message),) = mails
    from email.header import decode_header, make_header

    assert (
        str(make_header(decode_header(message["Subject"]))) == "Community ECG 周报：acme，2026-W45"
    )
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = body.get_payload(decode=True).decode(body.get_content_charset())
    assert "健康分：67 / 100。" in text and "附件是一页纸的报告。" in text
    assert "Health score" not in text
    (attachment,) = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    page = PdfReader(io.BytesIO(attachment.get_payload(decode=True))).pages[0].extract_text()
    assert "消息数 5 4 +1 (+25%)" in page  # the KPI table, its names in Chinese
    assert "acme：2026-W45 周" in page


def test_a_report_language_that_is_not_offered_is_refused():
    import pytest

    from dashboard.notify_settings import NotificationSettingsError, load_report_mail

    assert load_report_mail({}, {"ECG_REPORT_LANGUAGE": "zh_CN"}).language == "zh_CN"
    assert load_report_mail({"language": "en"}, {}).language == "en"
    with pytest.raises(NotificationSettingsError, match="'fr' is not one of en, zh_CN"):
        load_report_mail({}, {"ECG_REPORT_LANGUAGE": "fr"})
