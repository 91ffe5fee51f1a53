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
    ],
)
def test_bad_settings_are_refused_with_the_setting_named(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({}, environ)


def test_demo_flag():
    assert load_settings({}, {"ECG_DEMO": "0"}).demo is False
    assert load_settings({"demo": {"enabled": True}}, {}).demo is True
