"""`ecg follow`: only complete new lines, once each, from a file or a folder."""

from __future__ import annotations

import json

from sqlalchemy import text

from dashboard.communities import prepare_community
from ingest.follow import FollowState, follow_once
from ingest.formats.tabular import ColumnMapping

MAPPING = ColumnMapping.parse(["timestamp=ts", "author=user", "text=body", "id=id"])


def _line(n: int) -> str:
    return (
        json.dumps(
            {
                "id": f"m{n}",
                "ts": f"2026-03-02T10:{n:02d}:00Z",
                "user": f"u{n % 3}",
                "body": f"message {n}",
            }
        )
        + "\n"
    )


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM messages"))


def test_new_complete_lines_are_imported_once(engine, tmp_path):
    prepare_community(engine, "main")
    path = tmp_path / "live.jsonl"
    path.write_text(_line(1) + _line(2) + _line(3)[:20])  # the third is still being written
    state = FollowState()
    first = follow_once(engine, path, MAPPING, "main", "chat", state)
    assert (first.imported, _stored(engine)) == (2, 2)
    with open(path, "a") as handle:
        handle.write(_line(3)[20:] + _line(4))
    second = follow_once(engine, path, MAPPING, "main", "chat", state)
    assert (second.read, second.imported, _stored(engine)) == (2, 2, 4)
    assert follow_once(engine, path, MAPPING, "main", "chat", state).read == 0
    # a restart reads from the start again and adds nothing
    again = follow_once(engine, path, MAPPING, "main", "chat", FollowState())
    assert (again.imported, again.duplicates) == (0, 4)


def test_a_folder_and_bad_lines(engine, tmp_path):
    prepare_community(engine, "main")
    (tmp_path / "a.jsonl").write_text(_line(1) + "{not json}\n")
    (tmp_path / "b.jsonl").write_text(_line(2))
    (tmp_path / "notes.txt").write_text("ignored\n")
    summary = follow_once(engine, tmp_path, MAPPING, "main", "chat", FollowState())
    assert summary.imported == 2
    assert sum(summary.rejected.values()) == 1
    assert list(summary.rejected)[0].startswith("invalid JSON")


def test_ecg_follow_reads_times_without_an_offset_in_the_zone_named(tmp_path, database_url):
    """A bot's log that writes local clock times ("2026-07-01 10:00:00", summer in Berlin,
    UTC+2) is stored as 08:00 UTC when followed with --timezone Europe/Berlin."""
    import signal
    import subprocess
    import time

    from data_access.db import make_engine
    from tests.ecg_process import ECG, user_environment

    log = tmp_path / "bot.jsonl"
    log.write_text(json.dumps({"ts": "2026-07-01 10:00:00", "user": "ann", "body": "hi"}) + "\n")
    command = [str(ECG), "follow", str(log), "--map", "timestamp=ts", "--map", "author=user"]
    command += ["--map", "text=body", "--timezone", "Europe/Berlin", "--interval", "0.2"]
    follower = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=user_environment(ECG_DATABASE_URL=database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    engine = make_engine(database_url)
    try:
        stored = None
        for _ in range(300):  # up to a minute
            time.sleep(0.2)
            try:
                with engine.connect() as conn:
                    stored = conn.scalar(text("SELECT min(sent_at) FROM messages"))
            except Exception:  # noqa: BLE001 (the follower has not made the schema yet)
                stored = None
            if stored is not None or follower.poll() is not None:
                break
    finally:
        follower.send_signal(signal.SIGINT)
        out, err = follower.communicate(timeout=30)
        engine.dispose()
    assert stored is not None, err
    assert str(stored).startswith("2026-07-01 08:00:00")
    assert "times: clock times without an offset read in Europe/Berlin" in out
