"""Contact points and SMTP from `[notifications]`/`[smtp]` in secrets.toml or ECG_* variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

from alerts.notify import (
    KINDS,
    SEVERITY_RANK,
    SMTP_SECURITY,
    ContactPoint,
    NotificationSettings,
    Smtp,
    Wording,
)
from dashboard import i18n
from dashboard.i18n import N_, _
from dashboard.i18n.alert_words import rule_text, scope_label

LANGUAGES = ("en", "zh_CN")  # of the messages: the weekly e-mail's, the alerts'
ENV_WEBHOOKS = {
    "ECG_WEBHOOK_URL": "webhook",
    "ECG_SLACK_WEBHOOK_URL": "slack",
    "ECG_DISCORD_WEBHOOK_URL": "discord",
}


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class NotificationSettingsError(ValueError):
    pass


@dataclass(frozen=True)
class ReportMail:
    """Who gets the weekly report by e-mail, and when (weekday, local time)."""

    recipients: tuple[str, ...] = ()
    weekday: int = 0  # Monday
    at: time = time(8, 0)
    language: str = "en"  # of the e-mail and its PDF: en or zh_CN


def load_report_mail(section: Mapping, environ: Mapping[str, str]) -> ReportMail:
    """`[report]` of secrets.toml, or ECG_REPORT_RECIPIENTS, _DAY, _TIME and _LANGUAGE."""
    recipients = environ.get("ECG_REPORT_RECIPIENTS", section.get("recipients", []))
    if isinstance(recipients, str):
        recipients = recipients.split(",")
    day = str(environ.get("ECG_REPORT_DAY", section.get("day", "monday"))).strip().lower()
    if day not in WEEKDAYS:
        raise NotificationSettingsError(f"report day: {day!r} is not a weekday name")
    at_text = str(environ.get("ECG_REPORT_TIME", section.get("time", "08:00")))
    try:
        at = time.fromisoformat(at_text)
    except ValueError:
        raise NotificationSettingsError(
            f"report time: {at_text!r} is not a time like 08:00"
        ) from None
    chosen = environ.get("ECG_REPORT_LANGUAGE", section.get("language", "en"))
    language = _language(chosen, "report")
    addresses = tuple(r.strip() for r in recipients if r.strip())
    return ReportMail(addresses, WEEKDAYS.index(day), at, language)


def load_notifications(secrets: Mapping, environ: Mapping[str, str]) -> NotificationSettings:
    section = secrets.get("notifications", {})
    contacts = [_contact(entry, index) for index, entry in enumerate(section.get("contacts", []))]
    for variable, kind in ENV_WEBHOOKS.items():
        if environ.get(variable):
            contacts.append(ContactPoint(kind, kind, url=environ[variable]))
    if environ.get("ECG_ALERT_EMAILS"):
        to = tuple(a.strip() for a in environ["ECG_ALERT_EMAILS"].split(",") if a.strip())
        contacts.append(ContactPoint("email", "email", to=to))
    names = [c.name for c in contacts]
    if len(set(names)) != len(names):
        raise NotificationSettingsError(f"notifications: contact names repeat: {names}")
    return NotificationSettings(
        contacts=tuple(contacts),
        smtp=_smtp(secrets.get("smtp", {}), environ),
        repeat_minutes=_positive(section, "repeat_minutes", 240.0),
        group_wait_seconds=_positive(section, "group_wait_seconds", 0.0),
        retry_seconds=_positive(section, "retry_seconds", 30.0),
        base_url=str(environ.get("ECG_BASE_URL", section.get("base_url", ""))),
        wording=notification_wording(
            _language(
                environ.get("ECG_NOTIFY_LANGUAGE", section.get("language", "en")), "notifications"
            )
        ),
    )


def _language(value, where: str) -> str:
    language = str(value).strip()
    if language not in LANGUAGES:
        raise NotificationSettingsError(
            f"{where} language: {language!r} is not one of {', '.join(LANGUAGES)}"
        )
    return language


def _contact(entry: Mapping, index: int) -> ContactPoint:
    where = f"notifications.contacts[{index}]"
    kind = entry.get("kind", "")
    if kind not in KINDS:
        raise NotificationSettingsError(f"{where}: kind must be one of {', '.join(KINDS)}")
    severity = entry.get("min_severity", "info")
    if severity not in SEVERITY_RANK:
        raise NotificationSettingsError(f"{where}: min_severity must be info, warning or critical")
    to = entry.get("to", [])
    to = tuple([to] if isinstance(to, str) else to)
    if kind == "email" and not to:
        raise NotificationSettingsError(f"{where}: an e-mail contact needs `to` addresses")
    if kind != "email" and not str(entry.get("url", "")).startswith(("http://", "https://")):
        raise NotificationSettingsError(f"{where}: a {kind} contact needs an http(s) `url`")
    return ContactPoint(
        str(entry.get("name", f"{kind}-{index + 1}")),
        kind,
        url=str(entry.get("url", "")),
        to=to,
        min_severity=severity,
    )


def _smtp(section: Mapping, environ: Mapping[str, str]) -> Smtp:
    def pick(key: str, default):
        return environ.get(f"ECG_SMTP_{key.upper()}", section.get(key, default))

    security = _smtp_security(pick("security", None), pick("starttls", None), pick("port", None))
    try:
        port = int(pick("port", 465 if security == "tls" else 587))
    except ValueError:
        raise NotificationSettingsError("smtp port: not a number") from None
    return Smtp(
        host=str(pick("host", "")),
        port=port,
        sender=str(pick("sender", Smtp.sender)),
        user=str(pick("user", "")),
        password=str(pick("password", "")),
        security=security,
        allow_plain_auth=_yes(pick("allow_plain_auth", False)),
    )


def _smtp_security(security, starttls, port) -> str:
    """`security` as given; else from the older `starttls` flag (false: plain); else TLS
    for port 465 and STARTTLS for any other."""
    if security is not None:
        chosen = str(security).strip().lower()
        if chosen not in SMTP_SECURITY:
            raise NotificationSettingsError(
                f"smtp security: {security!r} is not one of {', '.join(SMTP_SECURITY)}"
            )
        return chosen
    if starttls is not None:
        return "starttls" if _yes(starttls) else "none"
    return "tls" if str(port).strip() == "465" else "starttls"


def _yes(value) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "yes", "on"}


def _positive(section: Mapping, key: str, default: float) -> float:
    try:
        value = float(section.get(key, default))
    except (TypeError, ValueError):
        raise NotificationSettingsError(f"notifications {key}: not a number") from None
    if value < 0:
        raise NotificationSettingsError(f"notifications {key}: cannot be negative")
    return value


# a notification's words (alerts.notify.Wording), marked for translation
HEADLINES = {"firing": N_("FIRING"), "repeat": N_("STILL FIRING"), "resolved": N_("RESOLVED")}
SEVERITIES = {"info": N_("info"), "warning": N_("warning"), "critical": N_("critical")}
LINE = N_("{headline} [{severity}] {rule} on {scope}: since {started}{ended}, peak {peak}")
ENDED = N_(", resolved {at}")
FIRING = N_("{count} firing: {rules}")
RESOLVED = N_("{count} resolved: {rules}")
RUNBOOK = N_("Runbook: {runbook}")


def notification_wording(language: str) -> Wording:
    """The words of alert notifications in `language` (en or zh_CN): the templates, the
    shipped rules' names and runbooks and the scopes' words translated; names someone
    wrote, and the webhook's JSON fields, as stored."""
    if i18n.normalised(language) == i18n.ENGLISH:
        return Wording()

    def spoken(translate):
        def within(text: str) -> str:
            with i18n.speaking(language):
                return translate(text)

        return within

    with i18n.speaking(language):
        chinese = i18n.current() == i18n.CHINESE
        return Wording(
            headlines={kind: _(word) for kind, word in HEADLINES.items()},
            severities={level: _(word) for level, word in SEVERITIES.items()},
            line=_(LINE),
            ended=_(ENDED),
            firing=_(FIRING),
            resolved=_(RESOLVED),
            joined="；" if chinese else "; ",
            listed="、" if chinese else ", ",
            runbook=_(RUNBOOK),
            open_alerts=_("Open the Alerts page"),
            rule=spoken(rule_text),
            scope=spoken(scope_label),
        )
