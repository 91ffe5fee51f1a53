"""An import killed with SIGKILL halfway, then run again, ends with a clean import's counts."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from data_access.db import make_engine
from ingest.simulate import CommunitySpec, simulate_source
from tests.conftest import fresh_postgres_database

START = datetime(2026, 10, 1, tzinfo=UTC)
COUNTS = {
    "messages": "SELECT count(*) FROM messages",
    "members": "SELECT count(*) FROM members",
    "channels": "SELECT count(*) FROM channels",
    "replies": "SELECT count(*) FROM messages WHERE reply_to_external_id IS NOT NULL",
    "rollup messages": "SELECT sum(messages) FROM channel_hourly",
    "rollup authors": "SELECT sum(active_authors) FROM channel_hourly",
    "topic links": "SELECT count(*) FROM message_topics",
    "topic rollup": "SELECT sum(messages) FROM topic_hourly",
}


def write_export(path) -> int:
    spec = CommunitySpec(seed=11, messages_per_hour=400)
    source = spec.sources[0]
    count = 0
    with path.open("w") as out:
        for m in simulate_source(spec, source, START, START + timedelta(days=8)):
            row = {
                "id": m.external_id,
                "ts": m.sent_at.isoformat(),
                "room": m.channel,
                "user": m.author_id,
                "text": m.text,
                "parent": m.reply_to,
            }
            out.write(json.dumps(row) + "\n")
            count += 1
    return count


def ecg_import(path, url) -> subprocess.Popen:
    argv = [
        sys.executable,
        "-m",
        "dashboard.cli",
        "-q",
        "import",
        str(path),
        "--batch-size",
        "2000",
    ]
    maps = ["timestamp=ts", "author=user", "text=text", "channel=room", "id=id", "reply_to=parent"]
    for mapping in maps:
        argv += ["--map", mapping]
    return subprocess.Popen(
        argv,
        env={**os.environ, "ECG_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def counts(url) -> dict:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = {name: conn.scalar(text(sql)) for name, sql in COUNTS.items()}
    engine.dispose()
    return found


def stored_messages(url) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM messages"))
    except Exception:
        return 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_killed_import_then_rerun_equals_a_clean_import(request, tmp_path, kind):
    export = tmp_path / "export.jsonl"
    total = write_export(export)
    if kind == "sqlite":
        clean, killed = f"sqlite:///{tmp_path / 'clean.db'}", f"sqlite:///{tmp_path / 'killed.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        clean, killed = fresh_postgres_database(server), fresh_postgres_database(server)
    assert ecg_import(export, clean).wait(timeout=300) == 0

    process = ecg_import(export, killed)
    deadline = time.monotonic() + 120
    while stored_messages(killed) < total // 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    halfway = stored_messages(killed)
    assert 0 < halfway < total, "the kill must land in the middle of the import"
    assert counts(killed)["rollup messages"] == halfway  # whole batches only, rollups with them

    assert ecg_import(export, killed).wait(timeout=300) == 0
    assert counts(killed) == counts(clean)
    assert counts(clean)["messages"] == total
