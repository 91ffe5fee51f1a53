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


def _post(base: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/v1/messages",
        data=json.dumps({"source": "bot", "messages": [MESSAGE]}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _serve_and_post(tmp_path, token_sent: str, **variables: str) -> tuple[int, dict, int]:
    port = free_port()
    database = f"sqlite:///{tmp_path / 'ecg.db'}"
    process = start_ecg(
        ["ingest-server", "--port", str(port)], tmp_path, ECG_DATABASE_URL=database, **variables
    )
    try:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answers(f"{base}/v1/health", process, 30)
        except RuntimeError as error:
            pytest.fail(f"ecg ingest-server: {error}: {process.stderr.read()}")
        status, answer = _post(base, token_sent)
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
