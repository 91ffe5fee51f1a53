"""`ecg ingest-server` started as a user starts it: the real command, a token from the
environment or from .streamlit/secrets.toml, a post, a stop."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request

import pytest
from sqlalchemy import text

from data_access.db import make_engine
from tests.conftest import free_port
from tests.ecg_process import start_ecg, wait_until_answers

MESSAGE = {
    "id": "m1",
    "timestamp": "2026-03-02T10:00:00Z",
    "author": "ann",
    "channel": "general",
    "text": "the server started from its own command",
}


def _post(base: str, token: str, message: dict = MESSAGE) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/v1/messages",
        data=json.dumps({"source": "bot", "messages": [message]}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _serve_and_post(
    tmp_path, token_sent: str, options=(), message: dict = MESSAGE, **variables: str
) -> tuple[int, dict, int]:
    port = free_port()
    database = f"sqlite:///{tmp_path / 'ecg.db'}"
    process = start_ecg(
        ["ingest-server", "--port", str(port), *options],
        tmp_path,
        ECG_DATABASE_URL=database,
        **variables,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answers(f"{base}/v1/health", process, 30)
        except RuntimeError as error:
            pytest.fail(f"ecg ingest-server: {error}: {process.stderr.read()}")
        status, answer = _post(base, token_sent, message)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)  # (it took over 10 s once, on a machine busy with two suites)
    engine = make_engine(database)
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT count(*) FROM messages"))
    engine.dispose()
    return status, answer, stored


def test_the_token_from_the_environment_starts_the_server(tmp_path):
    status, answer, stored = _serve_and_post(tmp_path, "abc", ECG_INGEST_TOKEN="abc")
    assert (status, answer["stored"], stored) == (200, 1, 1)


def test_the_token_from_secrets_toml_starts_the_server(tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[ingest]\ntoken = "from-file"\n')
    status, answer, stored = _serve_and_post(tmp_path, "from-file")
    assert (status, answer["stored"], stored) == (200, 1, 1)


def test_a_wrong_token_stores_nothing(tmp_path):
    status, answer, stored = _serve_and_post(tmp_path, "guess", ECG_INGEST_TOKEN="abc")
    assert (status, stored) == (401, 0)


def _stored_times(tmp_path) -> list[str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'ecg.db'}")
    with engine.connect() as conn:
        times = [str(t)[:19] for (t,) in conn.execute(text("SELECT sent_at FROM messages"))]
    engine.dispose()
    return times


def test_a_timestamp_without_an_offset_is_read_in_the_servers_zone(tmp_path):
    """A bot in Shanghai that sends its clock's time: 10:00 there is 02:00 UTC."""
    clock_time = {**MESSAGE, "timestamp": "2026-03-02T10:00:00"}
    status, answer, stored = _serve_and_post(
        tmp_path, "abc", ["--timezone", "Asia/Shanghai"], clock_time, ECG_INGEST_TOKEN="abc"
    )
    assert (status, answer["stored"], stored) == (200, 1, 1)
    assert _stored_times(tmp_path) == ["2026-03-02 02:00:00"]


def test_without_a_zone_such_a_timestamp_is_utc_and_one_with_an_offset_keeps_it(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    clock_time = {**MESSAGE, "timestamp": "2026-03-02T10:00:00"}
    assert _serve_and_post(plain, "abc", (), clock_time, ECG_INGEST_TOKEN="abc")[2] == 1
    assert _stored_times(plain) == ["2026-03-02 10:00:00"]
    offset = tmp_path / "offset"
    offset.mkdir()
    with_offset = {**MESSAGE, "timestamp": "2026-03-02T10:00:00+01:00"}
    options = ["--timezone", "Asia/Shanghai"]
    assert _serve_and_post(offset, "abc", options, with_offset, ECG_INGEST_TOKEN="abc")[2] == 1
    assert _stored_times(offset) == ["2026-03-02 09:00:00"]


def test_an_unknown_zone_is_refused_before_anything_starts(tmp_path):
    from tests.ecg_process import run_ecg

    database = tmp_path / "ecg.db"
    result = run_ecg(
        ["ingest-server", "--port", str(free_port()), "--timezone", "Mars/Olympus"],
        tmp_path,
        ECG_DATABASE_URL=f"sqlite:///{database}",
        ECG_INGEST_TOKEN="abc",
    )
    assert result.returncode == 2
    assert "Mars/Olympus" in result.stderr
    assert not database.exists()
