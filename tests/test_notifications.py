"""Notifications reach a local HTTP receiver and a local SMTP server with exactly the
expected payloads; failures are retried with back-off, then given up with a log line."""

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import insert

from access.permissions import Actor, Role
from alerts.catalog import ensure_default_rules, rules_of
from alerts.delivery import notify
from alerts.notify import ContactPoint, DeliveryError, NotificationSettings, Smtp, send_email
from data_access import alert_store
from data_access.schema import Community
from tests.conftest import free_port

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []

    def do_POST(self):  # noqa: N802 (the http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Receiver.received.append((self.path, body))
        self.send_response(500 if self.path == "/fail" else 204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", Receiver.received
    server.shutdown()
    server.server_close()


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, box.messages
    controller.stop()


def firing_episodes(engine):
    """Volume surge (critical) and Topic spike on billing (warning), firing since 15:20."""
    with engine.begin() as conn:
        community_id = conn.execute(
            insert(Community).values(name="acme").returning(Community.id)
        ).scalar()
    ensure_default_rules(engine, community_id, NOW)
    with engine.connect() as conn:
        rules = {r.name: r for r in rules_of(conn, community_id)}
    ids = {}
    with engine.begin() as conn:
        for name, scope, label in (
            ("Volume surge", "all", "everything"),
            ("Topic spike", "topic:1", "topic billing"),
        ):
            rule = rules[name]
            ids[name] = alert_store.open_episode(
                conn,
                {
                    "community_id": community_id,
                    "rule_id": rule.id,
                    "rule_version": 1,
                    "rule_name": name,
                    "severity": rule.severity,
                    "scope_key": scope,
                    "scope_label": label,
                    "onset_at": NOW - timedelta(minutes=20),
                    "started_at": NOW - timedelta(minutes=10),
                    "peak_value": 460.0,
                    "peak_score": 51.0,
                    "silenced": False,
                },
            )
    return community_id, ids


def test_every_kind_of_contact_gets_the_grouped_alerts(engine, receiver, mailbox):
    base, received = receiver
    port, mails = mailbox
    _, ids = firing_episodes(engine)
    settings = NotificationSettings(
        contacts=(
            ContactPoint("hook", "webhook", url=f"{base}/hook"),
            ContactPoint("slack", "slack", url=f"{base}/slack"),
            ContactPoint("discord", "discord", url=f"{base}/discord"),
            ContactPoint("oncall", "email", to=("ops@example.org",), min_severity="critical"),
        ),
        smtp=Smtp(host="127.0.0.1", port=port, sender="ecg@example.org", security="none"),
        repeat_minutes=60,
    )
    summary = notify(engine, settings, NOW)
    assert (summary.sent, summary.errors) == (7, [])  # 2 alerts x 3 webhooks + 1 critical mail

    paths = {path: body for path, body in received}
    assert sorted(paths) == ["/discord", "/hook", "/slack"]
    hook = paths["/hook"]
    assert hook["summary"] == "[Community ECG] acme: 2 firing: Topic spike, Volume surge"
    assert sorted((a["rule"], a["status"], a["severity"], a["scope"]) for a in hook["alerts"]) == [
        ("Topic spike", "firing", "warning", "topic billing"),
        ("Volume surge", "firing", "critical", "everything"),
    ]
    assert {a["started_at"] for a in hook["alerts"]} == {"2026-11-20T15:20:00+00:00"}
    assert paths["/slack"]["text"] == hook["summary"]
    assert (
        "FIRING [critical] Volume surge on everything: since 2026-11-20 15:20 UTC, peak 460"
        in (paths["/slack"]["blocks"][0]["text"]["text"])
    )
    assert paths["/discord"]["allowed_mentions"] == {"parse": []}
    assert len(paths["/discord"]["embeds"]) == 2
    ((to, mail),) = mails
    assert to == ["ops@example.org"]
    assert mail["Subject"] == "[Community ECG] acme: 1 firing: Volume surge"

    assert notify(engine, settings, NOW + timedelta(seconds=30)).sent == 0  # no duplicate

    with engine.begin() as conn:
        alert_store.update_episode(conn, ids["Topic spike"], ended_at=NOW + timedelta(minutes=5))
    received.clear()
    assert notify(engine, settings, NOW + timedelta(minutes=6)).sent == 3
    assert [a["status"] for _, body in received if _ == "/hook" for a in body["alerts"]] == [
        "resolved"
    ]

    received.clear()
    later = NOW - timedelta(minutes=10) + timedelta(minutes=61)  # an hour after it fired
    assert notify(engine, settings, later).sent == 4  # repeat: 3 webhooks + the mail
    assert [a["status"] for p, body in received if p == "/hook" for a in body["alerts"]] == [
        "repeat"
    ]
    assert len(mails) == 2


def test_silenced_and_acknowledged_alerts_stay_quiet(engine, receiver):
    base, received = receiver
    community_id, ids = firing_episodes(engine)
    settings = NotificationSettings(
        contacts=(ContactPoint("hook", "webhook", url=f"{base}/hook"),), repeat_minutes=30
    )
    manager = Actor("max", Role.MANAGER)
    alert_store.add_silence(
        engine,
        community_id,
        None,
        "topic:1",
        NOW - timedelta(hours=1),
        NOW + timedelta(hours=1),
        "known billing bug",
        actor=manager,
        now=NOW,
    )
    with engine.begin() as conn:  # silenced when it opened: what the evaluator records
        alert_store.update_episode(conn, ids["Topic spike"], silenced=True)
    notify(engine, settings, NOW)
    assert [a["rule"] for _, body in received for a in body["alerts"]] == ["Volume surge"]
    alert_store.acknowledge(engine, ids["Volume surge"], actor=manager, now=NOW)
    received.clear()
    assert notify(engine, settings, NOW + timedelta(minutes=45)).sent == 0
    assert received == []


def test_a_failing_receiver_is_retried_then_given_up(engine, receiver, caplog):
    base, received = receiver
    firing_episodes(engine)
    settings = NotificationSettings(
        contacts=(ContactPoint("flaky", "webhook", url=f"{base}/fail"),), retry_seconds=30
    )
    moment = NOW
    caplog.set_level(logging.WARNING, logger="alerts.delivery")
    for _ in range(20):  # every 30 s: attempts at 0, 30, 90 (60 s later), 210, 450 s
        notify(engine, settings, moment)
        moment += timedelta(seconds=30)
    assert len(received) == 5
    gave_up = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert gave_up == [
        "gave up notifying flaky after 5 attempts (2 alert(s)): HTTP 500 from the webhook"
    ]


class AuthWatch(Mailbox):
    """Records every AUTH attempt the client makes."""

    def __init__(self):
        super().__init__()
        self.auth_attempts = 0

    async def handle_AUTH(self, server, session, envelope, args):  # noqa: N802 (aiosmtpd API)
        self.auth_attempts += 1
        return "235 2.7.0 Authentication successful"


@pytest.fixture
def plain_server():
    """An SMTP server with no TLS at all, that would take AUTH in plain text."""
    box = AuthWatch()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), auth_require_tls=False)
    controller.start()
    yield controller.port, box
    controller.stop()


def _notice_mail():
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@x", "b@x", "test"
    message.set_content("body")
    return message


def test_the_password_never_crosses_a_plain_connection_by_default(plain_server):
    port, box = plain_server
    default = Smtp(host="127.0.0.1", port=port, user="ecg", password="secret")
    with pytest.raises(DeliveryError, match="offers no STARTTLS"):
        send_email(default, _notice_mail())
    plain = Smtp(host="127.0.0.1", port=port, user="ecg", password="secret", security="none")
    with pytest.raises(DeliveryError, match="refusing to send the password over a plain"):
        send_email(plain, _notice_mail())
    assert (box.auth_attempts, box.messages) == (0, [])
    allowed = Smtp(
        host="127.0.0.1",
        port=port,
        user="ecg",
        password="secret",
        security="none",
        allow_plain_auth=True,
    )
    send_email(allowed, _notice_mail())  # said outright: a relay on this machine
    assert len(box.messages) == 1


def test_notifications_in_chinese_name_the_shipped_rules_and_keep_the_json_as_stored(
    engine, receiver, mailbox
):
    """`ECG_NOTIFY_LANGUAGE=zh_CN` (or `[notifications] language`): what people read is in
    Chinese, the shipped rules' names and the scopes' words too; a webhook's fields stay
    as stored, for the programs that read them."""
    from dashboard.notify_settings import NotificationSettingsError, load_notifications

    base, received = receiver
    port, mails = mailbox
    firing_episodes(engine)
    environ = {
        "ECG_NOTIFY_LANGUAGE": "zh_CN",
        "ECG_WEBHOOK_URL": f"{base}/hook",
        "ECG_SLACK_WEBHOOK_URL": f"{base}/slack",
        "ECG_ALERT_EMAILS": "ops@example.org",
        "ECG_SMTP_HOST": "127.0.0.1",
        "ECG_SMTP_PORT": str(port),
        "ECG_SMTP_SECURITY": "none",
    }
    settings = load_notifications({}, environ)
    assert notify(engine, settings, NOW).sent == 6  # 2 alerts x (2 webhooks + e-mail)
    paths = {path: body for path, body in received}
    summary = "[Community ECG] acme: 2 条触发：消息量激增、话题突增"
    assert paths["/hook"]["summary"] == summary
    assert sorted((a["rule"], a["scope"]) for a in paths["/hook"]["alerts"]) == [
        ("Topic spike", "topic billing"),
        ("Volume surge", "everything"),
    ]
    lines = paths["/slack"]["blocks"][0]["text"]["text"].splitlines()
    assert "触发【危急】全部：消息量激增，自 2026-11-20 15:20 UTC 起，峰值 460" in lines
    assert "触发【警告】话题 billing：话题突增，自 2026-11-20 15:20 UTC 起，峰值 460" in lines
    ((_, mail),) = mails
    assert str(make_header(decode_header(mail["Subject"]))) == summary
    body = mail.get_payload(decode=True).decode(mail.get_content_charset())
    assert "处置手册：找出推动它的讨论（实时页面，最新消息）" in body
    # English is the default, and a language the product does not speak is refused
    english = load_notifications({}, {k: v for k, v in environ.items() if "LANGUAGE" not in k})
    assert english.wording.line.startswith("{headline} [{severity}] {rule} on {scope}")
    with pytest.raises(NotificationSettingsError, match="'fr' is not one of en, zh_CN"):
        load_notifications({"notifications": {"language": "fr"}}, {})
