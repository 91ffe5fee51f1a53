from __future__ import annotations

import pytest

from dashboard.settings import Settings, SettingsError, load_settings


def test_defaults():
    assert load_settings({}, {}) == Settings()
    assert Settings().database_url == "sqlite:///data/ecg.db"


def test_environment_wins_over_secrets():
    secrets = {
        "database": {"url": "postgresql://from-secrets/db"},
        "display": {"timezone": "Asia/Tokyo"},
    }
    settings = load_settings(secrets, {"ECG_DATABASE_URL": "sqlite:///x.db"})
    assert (settings.database_url, settings.timezone) == ("sqlite:///x.db", "Asia/Tokyo")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ECG_TIMEZONE": "Mars/Olympus"}, "not an IANA time zone"),
        ({"ECG_LIVE_REFRESH_SECONDS": "1"}, "must be at least 2"),
        ({"ECG_WORKER_INTERVAL_SECONDS": "soon"}, "is not a number"),
        ({"ECG_RETENTION_MONTHS": "2"}, "retention_months: keep at least 4 months"),
        ({"ECG_RETENTION_MONTHS": "6.5"}, "retention_months: a whole number"),
        ({"ECG_RETENTION_MONTHS": "-1"}, "retention_months: must be at least 0"),
    ],
)
def test_bad_settings_are_refused_with_the_setting_named(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({}, environ)


def test_retention_from_secrets_and_environment():
    assert (Settings().retention_months, Settings().retention_archive) == (0, False)
    settings = load_settings({"storage": {"retention_months": 13, "archive": True}}, {})
    assert (settings.retention_months, settings.retention_archive) == (13, True)
    assert load_settings({}, {"ECG_RETENTION_MONTHS": "6"}).retention_months == 6


def test_session_idle_minutes_from_the_documented_section():
    assert load_settings({"sessions": {"idle_minutes": 15}}, {}).session_idle_minutes == 15.0


def test_demo_flag():
    assert load_settings({}, {"ECG_DEMO": "0"}).demo is False
    assert load_settings({"demo": {"enabled": True}}, {}).demo is True


def test_contact_points_from_secrets_and_environment():
    secrets = {
        "notifications": {
            "repeat_minutes": 60,
            "contacts": [
                {
                    "name": "ops",
                    "kind": "slack",
                    "url": "https://hooks.example/s",
                    "min_severity": "warning",
                },
                {"name": "mail", "kind": "email", "to": "oncall@example.org"},
            ],
        },
        "smtp": {"host": "mail.example.org", "port": 587, "starttls": True},
    }
    settings = load_settings(secrets, {"ECG_DISCORD_WEBHOOK_URL": "https://discord.example/w"})
    contacts = settings.notifications.contacts
    assert [(c.name, c.kind, c.min_severity) for c in contacts] == [
        ("ops", "slack", "warning"),
        ("mail", "email", "info"),
        ("discord", "discord", "info"),
    ]
    assert contacts[1].to == ("oncall@example.org",)
    assert settings.notifications.repeat_minutes == 60
    smtp = settings.notifications.smtp
    assert (smtp.host, smtp.port, smtp.security) == ("mail.example.org", 587, "starttls")


@pytest.mark.parametrize(
    ("contact", "words"),
    [
        ({"kind": "pager"}, "kind must be one of"),
        ({"kind": "slack", "url": "ftp://x"}, "needs an http(s) `url`"),
        ({"kind": "email"}, "needs `to` addresses"),
        ({"kind": "webhook", "url": "https://x", "min_severity": "doom"}, "min_severity"),
    ],
)
def test_bad_contact_points_are_refused(contact, words):
    with pytest.raises(SettingsError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_settings({"notifications": {"contacts": [contact]}}, {})


@pytest.mark.parametrize(
    ("smtp", "security", "port"),
    [
        ({"host": "m"}, "starttls", 587),  # the default: never plain text
        ({"host": "m", "port": 465}, "tls", 465),
        ({"host": "m", "starttls": False}, "none", 587),  # the older flag, said outright
        ({"host": "m", "security": "TLS"}, "tls", 465),
    ],
)
def test_smtp_is_encrypted_unless_said_otherwise(smtp, security, port):
    chosen = load_settings({"smtp": smtp}, {}).notifications.smtp
    assert (chosen.security, chosen.port) == (security, port)


def test_a_bad_smtp_security_is_named():
    with pytest.raises(SettingsError, match="smtp security: 'ssl' is not one of starttls, tls"):
        load_settings({"smtp": {"security": "ssl"}}, {})


def test_secrets_stay_out_of_the_settings_repr():
    secrets = {
        "smtp": {"host": "m", "password": "smtp-secret"},
        "ingest": {"token": "ingest-secret"},
        "notifications": {
            "contacts": [{"name": "x", "kind": "webhook", "url": "https://h/hook-secret"}]
        },
    }
    shown = repr(load_settings(secrets, {}))
    assert "smtp-secret" not in shown and "ingest-secret" not in shown
    assert "hook-secret" not in shown
    assert "host='m'" in shown  # the rest is still there to read


def test_every_plain_setting_is_a_field_and_a_row_of_the_documentation():
    from dataclasses import fields

    from dashboard.settings import SETTINGS, markdown_table
    from tests.conftest import ROOT

    named = [setting.name for setting in SETTINGS]
    assert named == [f.name for f in fields(Settings)][: len(SETTINGS)]
    assert {f.name for f in fields(Settings)} - set(named) == {"notifications", "report_mail"}
    for setting in SETTINGS:  # each default is what load_settings gives with nothing set
        assert getattr(Settings(), setting.name) == setting.parse(setting.default, setting.named)
    assert markdown_table() in (ROOT / "docs" / "configuration.md").read_text()


def test_ecg_config_shows_each_value_and_where_it_came_from(tmp_path):
    from tests.ecg_process import run_ecg

    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[display]\ntimezone = "Asia/Tokyo"\n[ingest]\ntoken = "s3cret-token"\n'
    )
    done = run_ecg(
        ["config"],
        tmp_path,
        ECG_DATABASE_URL="postgresql://ecg:hunter22@db.example/ecg",
        ECG_BACKTEST_DAYS="7",
    )
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line.split(maxsplit=1)[1] for line in done.stdout.splitlines()}
    assert lines["database_url"] == "postgresql://ecg:***@db.example/ecg  (environment)"
    assert lines["timezone"] == "Asia/Tokyo  (secrets.toml)"
    assert lines["backtest_days"] == "7  (environment)"
    assert lines["ingest_token"] == "set  (secrets.toml)"
    assert lines["live_refresh_seconds"] == "5.0  (default)"
    assert "hunter22" not in done.stdout and "s3cret-token" not in done.stdout


def test_ecg_config_names_a_bad_setting(tmp_path):
    from tests.ecg_process import run_ecg

    done = run_ecg(["config"], tmp_path, ECG_LIVE_REFRESH_SECONDS="0.5")
    assert done.returncode == 2
    assert "live_refresh_seconds: must be at least 2" in done.stderr
