"""The worker's weekly e-mail: each community's report as a PDF, to the configured list,
once per week (at the configured weekday and time in the configured zone, or as soon
after as the worker runs), even across restarts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from alerts.notify import DeliveryError, Smtp, send_email
from analysis.weeks import Week, week_of
from dashboard import i18n
from dashboard.i18n import _
from dashboard.notify_settings import ReportMail
from dashboard.report.figures import weekly_report
from dashboard.report.pdf import report_pdf
from dashboard.report.words import in_chinese
from data_access import mailings
from data_access.communities import community_id_of, community_names

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def due_week(now: datetime, timezone: str, mail: ReportMail) -> Week | None:
    """The week whose report is due by `now`: last week, once this week's send time passed."""
    zone = ZoneInfo(timezone)
    this_week = week_of(now.astimezone(zone).date())
    send_at = datetime.combine(this_week.monday() + timedelta(days=mail.weekday), mail.at, zone)
    return this_week.shifted(-1) if now >= send_at else None


def send_weekly_reports(
    engine,
    mail: ReportMail,
    smtp: Smtp,
    timezone: str,
    now: datetime,
    send: Callable[[Smtp, EmailMessage], None] = send_email,
) -> list[str]:
    """E-mail every community's due report not yet sent; returns the communities sent."""
    week = due_week(now, timezone, mail) if mail.recipients else None
    if week is None:
        return []
    sent = []
    for community in community_names(engine):
        community_id = community_id_of(engine, community)
        with engine.begin() as conn:
            if not mailings.claim(conn, community_id, week.name, now, MAX_ATTEMPTS):
                continue
        try:
            with engine.connect() as conn:
                report = weekly_report(conn, community_id, community, week, timezone)
            with i18n.speaking(mail.language):
                message = _message(report, smtp, mail.recipients)
            send(smtp, message)
        except (DeliveryError, OSError) as error:
            with engine.begin() as conn:
                mailings.mark_failed(conn, community_id, week.name, str(error))
            log.warning("weekly report of %s for %s not sent: %s", community, week.name, error)
            continue
        with engine.begin() as conn:
            mailings.mark_sent(conn, community_id, week.name, now)
        log.info(
            "weekly report of %s for %s sent to %d address(es)",
            community,
            week.name,
            len(mail.recipients),
        )
        sent.append(community)
    return sent


def _message(report, smtp: Smtp, recipients: tuple[str, ...]) -> EmailMessage:
    """The e-mail in the current language (the report mail's): subject, text and PDF."""
    message = EmailMessage()
    message["Subject"] = _("Community ECG weekly report: {community}, {week}").format(
        community=report.community, week=report.week.name
    )
    message["From"] = smtp.sender
    message["To"] = ", ".join(recipients)
    summary = report.summary_zh if in_chinese() else report.summary
    score = (
        _("Health score: {score} / 100.").format(score=report.health)
        if report.health is not None
        else _("No health score: no messages in this week or the weeks before it.")
    )
    message.set_content(
        summary + "\n\n" + score + "\n" + _("The one-page report is attached.") + "\n"
    )
    message.add_attachment(
        report_pdf(report),
        maintype="application",
        subtype="pdf",
        filename=f"{report.community}-{report.week.name}.pdf",
    )
    return message
