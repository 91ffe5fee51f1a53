"""Notifications: contact points, the payloads they receive, and the senders.

One delivery carries every alert due for a contact at that moment (alerts that fire
together arrive together). Payloads: a generic JSON webhook, Slack- and Discord-compatible
webhook bodies, and a plain-text e-mail over SMTP. Text from a community (topic and channel
names) is escaped for Slack's mrkdwn, and Discord is told not to ping anyone.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

KINDS = ("webhook", "slack", "discord", "email")
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
DISCORD_COLOURS = {"critical": 0xD32F2F, "warning": 0xF57C00, "info": 0x1E88E5}
HEADLINES = {"firing": "FIRING", "repeat": "STILL FIRING", "resolved": "RESOLVED"}
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 5


class DeliveryError(Exception):
    pass


@dataclass(frozen=True)
class ContactPoint:
    name: str
    kind: str  # webhook, slack, discord, email
    url: str = field(default="", repr=False)  # for the webhooks; holds their secret
    to: tuple[str, ...] = ()  # for e-mail
    min_severity: str = "info"

    def wants(self, severity: str) -> bool:
        return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK[self.min_severity]


SMTP_SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class Smtp:
    """An SMTP server. `security`: "starttls" (the default: upgrade the connection, the
    certificate checked), "tls" (TLS from the start, port 465) or "none" (plain text, for a
    relay on this machine); a password is never sent in plain text unless
    `allow_plain_auth` says so."""

    host: str = ""
    port: int = 587
    sender: str = "community-ecg@localhost"
    user: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"
    allow_plain_auth: bool = False


def _as_stored(text: str) -> str:
    return text


@dataclass(frozen=True)
class Wording:
    """The words of the messages people read (English unless the dashboard gives another
    language's, `[notifications] language`): templates, and how a rule's name, a scope
    and a runbook are shown. A webhook's JSON fields stay as stored, for programs."""

    headlines: Mapping[str, str] = field(default_factory=lambda: dict(HEADLINES))
    severities: Mapping[str, str] = field(default_factory=dict)  # none: the stored word
    line: str = "{headline} [{severity}] {rule} on {scope}: since {started}{ended}, peak {peak}"
    ended: str = ", resolved {at}"
    firing: str = "{count} firing: {rules}"
    resolved: str = "{count} resolved: {rules}"
    joined: str = "; "
    listed: str = ", "
    runbook: str = "Runbook: {runbook}"
    open_alerts: str = "Open the Alerts page"
    rule: Callable[[str], str] = _as_stored  # a rule's name or runbook as shown
    scope: Callable[[str], str] = _as_stored  # an episode's stored scope label as shown


@dataclass(frozen=True)
class NotificationSettings:
    contacts: tuple[ContactPoint, ...] = ()
    smtp: Smtp = Smtp()
    repeat_minutes: float = 240.0  # a still-firing alert is sent again this often
    group_wait_seconds: float = 0.0  # hold a contact's first alert this long to batch others
    retry_seconds: float = 30.0  # first retry after a failed delivery; doubles each time
    base_url: str = ""  # the dashboard's address, for links in messages
    wording: Wording = Wording()  # the language people read the messages in


@dataclass(frozen=True)
class AlertNotice:
    kind: str  # firing, repeat, resolved
    community: str
    rule: str
    severity: str
    scope: str
    started_at: datetime
    ended_at: datetime | None
    peak: float
    runbook: str = ""
    extra: dict = field(default_factory=dict)


def retry_delay(attempts: int, base_seconds: float) -> timedelta:
    """Back-off after `attempts` failed deliveries: base, 2x, 4x, ..., at most an hour."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), 3600))


def summary_line(notices: list[AlertNotice], words: Wording = Wording()) -> str:
    firing = [n for n in notices if n.kind != "resolved"]
    resolved = [n for n in notices if n.kind == "resolved"]
    parts = []
    for template, chosen in ((words.firing, firing), (words.resolved, resolved)):
        if chosen:
            rules = words.listed.join(sorted({words.rule(n.rule) for n in chosen}))
            parts.append(template.format(count=len(chosen), rules=rules))
    community = notices[0].community if notices else ""
    return f"[Community ECG] {community}: " + words.joined.join(parts)


def _line(notice: AlertNotice, words: Wording = Wording()) -> str:
    ended = words.ended.format(at=f"{notice.ended_at:%H:%M UTC}") if notice.ended_at else ""
    return words.line.format(
        headline=words.headlines[notice.kind],
        severity=words.severities.get(notice.severity, notice.severity),
        rule=words.rule(notice.rule),
        scope=words.scope(notice.scope),
        started=notice.started_at.strftime("%Y-%m-%d %H:%M UTC"),
        ended=ended,
        peak=f"{notice.peak:.3g}",
    )


def _runbook(notice: AlertNotice, words: Wording) -> str:
    return words.runbook.format(runbook=words.rule(notice.runbook)) if notice.runbook else ""


def webhook_payload(
    notices: list[AlertNotice], base_url: str = "", words: Wording = Wording()
) -> dict:
    return {
        "version": 1,
        "summary": summary_line(notices, words),
        "link": f"{base_url.rstrip('/')}/alerts" if base_url else None,
        "alerts": [
            {
                "status": n.kind,
                "community": n.community,
                "rule": n.rule,
                "severity": n.severity,
                "scope": n.scope,
                "started_at": n.started_at.isoformat(),
                "ended_at": n.ended_at.isoformat() if n.ended_at else None,
                "peak": n.peak,
                "runbook": n.runbook,
            }
            for n in notices
        ],
    }


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(notices: list[AlertNotice], base_url: str = "", words: Wording = Wording()):
    lines = [_slack_escape(_line(n, words)) for n in notices]
    if base_url:
        lines.append(f"<{base_url.rstrip('/')}/alerts|{_slack_escape(words.open_alerts)}>")
    return {
        "text": _slack_escape(summary_line(notices, words)),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}],
    }


def discord_payload(
    notices: list[AlertNotice], base_url: str = "", words: Wording = Wording()
) -> dict:
    embeds = [
        {
            "title": f"{words.headlines[n.kind]}: {words.rule(n.rule)}"[:256],
            "description": "\n".join(filter(None, [_line(n, words), _runbook(n, words)]))[:4000],
            "color": DISCORD_COLOURS.get(n.severity, 0x9E9E9E),
        }
        for n in notices[:10]  # Discord takes at most ten embeds
    ]
    content = summary_line(notices, words)
    if base_url:
        content += f"\n{base_url.rstrip('/')}/alerts"
    return {"content": content[:2000], "embeds": embeds, "allowed_mentions": {"parse": []}}


def email_message(
    notices: list[AlertNotice],
    smtp: Smtp,
    to: tuple[str, ...],
    base_url: str,
    words: Wording = Wording(),
):
    message = EmailMessage()
    message["Subject"] = summary_line(notices, words)[:200]
    message["From"] = smtp.sender
    message["To"] = ", ".join(to)
    body = [_line(n, words) + (f"\n  {_runbook(n, words)}" if n.runbook else "") for n in notices]
    if base_url:
        body.append(f"\n{base_url.rstrip('/')}/alerts")
    message.set_content("\n\n".join(body) + "\n")
    return message


PAYLOADS = {"webhook": webhook_payload, "slack": slack_payload, "discord": discord_payload}


def deliver(contact: ContactPoint, notices: list[AlertNotice], settings: NotificationSettings):
    """Send one batch to one contact point; DeliveryError says why it failed."""
    if contact.kind == "email":
        message = email_message(
            notices, settings.smtp, contact.to, settings.base_url, settings.wording
        )
        send_email(settings.smtp, message)
        return
    post_json(contact.url, PAYLOADS[contact.kind](notices, settings.base_url, settings.wording))


def post_json(url: str, payload: dict) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "community-ecg"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} from the webhook") from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"webhook unreachable: {getattr(error, 'reason', error)}") from None


def send_email(smtp: Smtp, message: EmailMessage) -> None:
    if not smtp.host:
        raise DeliveryError("no SMTP host is configured ([smtp] host or ECG_SMTP_HOST)")
    if smtp.user and smtp.security == "none" and not smtp.allow_plain_auth:
        raise DeliveryError(
            "SMTP: refusing to send the password over a plain connection; use security = "
            '"starttls" or "tls" (or allow_plain_auth = true for a relay on this machine)'
        )
    try:
        with _connect(smtp) as client:
            if smtp.user:
                client.login(smtp.user, smtp.password)
            client.send_message(message)
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            f'SMTP: {smtp.host} offers no STARTTLS; set security = "tls" for port 465, or '
            '"none" for a plain relay'
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP: {error}") from None


def _connect(smtp: Smtp) -> smtplib.SMTP:
    """A connection secured as `smtp.security` says, the server's certificate checked."""
    if smtp.security == "tls":
        return smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS)
    if smtp.security == "starttls":
        try:
            client.starttls(context=ssl.create_default_context())
        except smtplib.SMTPNotSupportedError:
            client.close()
            raise DeliveryError(
                f'SMTP: {smtp.host} offers no STARTTLS; set security = "tls" for port 465, '
                'or "none" for a plain relay'
            ) from None
        except BaseException:
            client.close()
            raise
    return client
