"""The dashboard on a PostgreSQL primary and a hot standby made with pg_basebackup: reads
go to the replica, writes to the primary; a session reads its own writes; a lagging or
stopped replica sends the reads to the primary and the page says so."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import text

from access.permissions import Role
from data_access.db import make_engine
from data_access.replica import ReadRouter, lsn_number, measure, primary_position
from ingest.pipeline import ImportTarget, run_import
from ingest.records import ParsedRow, RawMessage
from tests.conftest import PG_BIN, free_port, fresh_postgres_database, unavailable
from tests.sent_sql import SentSQL
from tests.test_pages import open_page
from tests.test_segments import recent_community

AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class Server:
    """A PostgreSQL server of the test, on 127.0.0.1."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.url = f"postgresql://ecg@127.0.0.1:{port}"

    def ctl(self, *args: str) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.data_dir} -c fsync=off"
        )
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-o", options]
        command += ["-l", str(self.data_dir / "server.log"), "-w", *args]
        subprocess.run([*AS_POSTGRES, *command], check=True, capture_output=True)

    def start(self) -> None:
        self.ctl("start")

    def stop(self) -> None:
        self.ctl("-m", "fast", "stop")


def _run(*command: str) -> None:
    subprocess.run([*AS_POSTGRES, *command], check=True, capture_output=True)


@pytest.fixture(scope="module")
def primary_and_standby():
    """A primary, a database on it with a small community, and a hot standby streaming
    from it (pg_basebackup -R); both stopped at the end."""
    if not (PG_BIN / "pg_basebackup").exists():
        unavailable(f"PostgreSQL binaries not found in {PG_BIN}")
    folder = Path(tempfile.mkdtemp(prefix="ecg-replica-"))
    if AS_POSTGRES:
        shutil.chown(folder, "postgres", "postgres")
    primary = Server(folder / "primary", free_port())
    standby = Server(folder / "standby", free_port())
    _run(str(PG_BIN / "initdb"), "-D", str(primary.data_dir), "-U", "ecg", "--auth=trust")
    primary.start()
    try:
        url = fresh_postgres_database(primary.url)
        recent_community(url)  # ana asks twice, bo answers: last complete week
        _run(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
            "-U", "ecg", "-D", str(standby.data_dir), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        standby.start()
        replica_url = url.replace(f":{primary.port}/", f":{standby.port}/")
        yield url, replica_url, standby
    finally:
        for server in (standby, primary):
            with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def caught_up(url: str, replica_url: str) -> None:
    primary, replica = make_engine(url), make_engine(replica_url)
    position = primary_position(primary)
    for _ in range(600):  # 30 s at most
        with replica.connect() as conn:
            replayed = conn.scalar(text("SELECT pg_last_wal_replay_lsn()::text"))
        if replayed and lsn_number(replayed) >= position:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the standby did not catch up")
    primary.dispose(), replica.dispose()


def replay(replica_url: str, paused: bool) -> None:
    engine = make_engine(replica_url)
    with engine.connect() as conn:
        call = "pg_wal_replay_pause" if paused else "pg_wal_replay_resume"
        conn.execute(text(f"SELECT {call}()"))
        if paused:  # the pause takes effect at the next record; wait until it has
            for _ in range(100):
                if conn.scalar(text("SELECT pg_get_wal_replay_pause_state()")) == "paused":
                    break
                time.sleep(0.05)
    engine.dispose()


def _late_messages(now: datetime) -> list[ParsedRow]:
    return [
        ParsedRow(
            1,
            RawMessage(f"late-{n}", now - timedelta(minutes=n), "late", "cy", "cy", "late news"),
        )
        for n in range(3)
    ]


def _channels(app) -> list[str]:
    return list(app.multiselect(key="channels").options)


def _banner(app) -> str:
    return " ".join(box.value for box in app.info if "Reading from the primary" in box.value)


def test_pages_read_the_replica_and_a_lagging_one_until_it_is_too_far_behind(
    monkeypatch, primary_and_standby
):
    url, replica_url, _standby = primary_and_standby
    port = int(replica_url.split(":")[-1].split("/")[0])
    caught_up(url, replica_url)
    monkeypatch.setenv("ECG_READ_DATABASE_URL", replica_url)
    with SentSQL() as served:
        app = open_page(monkeypatch, url, "../pages/community_members.py", Role.MANAGER)
    assert served.ports_reading("channel_hourly") == {port}  # the sidebar's extent, off the replica
    assert served.ports_reading("member_week_tallies") == {port}
    assert _channels(app) == ["general (discord)"] and not _banner(app)

    replay(replica_url, paused=True)
    try:
        engine = make_engine(url)
        run_import(engine, _late_messages(datetime.now(UTC)), ImportTarget("c", "tg", "telegram"))
        engine.dispose()
        time.sleep(1.2)  # the replica is now over a second behind
        monkeypatch.setenv("ECG_READ_MAX_LAG_SECONDS", "600")
        app = open_page(monkeypatch, url, "../pages/sentiment.py", Role.MANAGER)
        assert _channels(app) == ["general (discord)"] and not _banner(app)  # behind, allowed
        monkeypatch.setenv("ECG_READ_MAX_LAG_SECONDS", "1")
        st.cache_resource.clear()  # settings are read once a process: as if restarted
        st.cache_data.clear()
        with SentSQL() as served:
            app = open_page(monkeypatch, url, "../pages/sentiment.py", Role.MANAGER)
        assert served.ports_reading("channel_hourly") == {int(url.split(":")[-1].split("/")[0])}
        assert _channels(app) == ["general (discord)", "late (telegram)"]
        assert "the read replica is" in _banner(app) and "s behind" in _banner(app)
    finally:
        replay(replica_url, paused=False)
    caught_up(url, replica_url)


def test_a_session_reads_its_own_write_while_the_replica_has_not_replayed_it(
    monkeypatch, primary_and_standby
):
    url, replica_url, _standby = primary_and_standby
    caught_up(url, replica_url)
    monkeypatch.setenv("ECG_READ_DATABASE_URL", replica_url)
    app = open_page(monkeypatch, url, "../pages/member_profile.py", role=Role.MANAGER)
    app.query_params["person"] = "1"  # ana
    app.run()
    replay(replica_url, paused=True)
    try:
        app.text_input(key="profile-new-tag").input("Speaker")
        app.button[0].click().run()  # the tag form's button comes first
        assert not app.exception, [e.message for e in app.exception]
        assert any("speaker" in m.value for m in app.markdown)  # read from the primary
        assert not _banner(app)  # nothing is wrong: the replica is merely a write behind
        replica = make_engine(replica_url)
        with replica.connect() as conn:  # the replica has not got the tag
            assert conn.scalar(text("SELECT count(*) FROM member_tags")) == 0
        replica.dispose()
    finally:
        replay(replica_url, paused=False)
    caught_up(url, replica_url)
    app.run()  # caught up: this session is back on the replica, and the tag is there
    assert any("speaker" in m.value for m in app.markdown)


def test_a_stopped_replica_sends_the_reads_to_the_primary_and_the_page_says_so(
    monkeypatch, primary_and_standby
):
    url, replica_url, standby = primary_and_standby
    monkeypatch.setenv("ECG_READ_DATABASE_URL", replica_url)
    standby.stop()
    try:
        with SentSQL() as served:
            app = open_page(monkeypatch, url, "../pages/sentiment.py", Role.MANAGER)
        assert served.ports_reading("channel_hourly") == {int(url.split(":")[-1].split("/")[0])}
        assert "general (discord)" in _channels(app)
        assert "the read replica cannot be reached" in _banner(app)
        assert "connection" in _banner(app).lower() or "connect" in _banner(app).lower()
    finally:
        standby.start()


def test_the_router_measures_lag_and_leaves_a_down_replica_alone_for_a_while(
    primary_and_standby,
):
    url, replica_url, _standby = primary_and_standby
    caught_up(url, replica_url)
    primary = make_engine(url)
    replica = make_engine(replica_url)
    assert measure(primary, replica).behind_seconds == 0.0  # all replayed
    assert measure(primary, primary).reachable  # a primary is never behind itself
    clock = [0.0]
    nowhere = make_engine(f"postgresql://ecg@127.0.0.1:{free_port()}/x")
    router = ReadRouter(primary, nowhere, 30.0, clock=lambda: clock[0])
    first = router.route()
    assert (first.on_replica, first.why_primary) == (False, "down")
    assert first.engine is primary
    clock[0] = 29.0  # not measured again before RETRY_DOWN_SECONDS
    assert router.health() is first.health
    clock[0] = 30.0
    assert router.health() is not first.health
    primary.dispose(), replica.dispose()


def test_lsn_positions_order_as_numbers():
    assert lsn_number("0/16B3748") == 0x16B3748
    assert lsn_number("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert lsn_number("1/0") > lsn_number("0/FFFFFFFF")
