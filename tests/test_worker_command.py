"""`ecg worker` as a user runs it: hung forecast fits are killed and the cycle goes on;
SIGTERM in the middle of a refresh stops it promptly, with no process of it left."""

from __future__ import annotations

import queue
import signal
import threading
import time
from pathlib import Path

import pytest

from data_access.db import make_engine
from data_access.heartbeat import last_beat
from tests.ecg_process import run_ecg, start_ecg


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    """Three days of the demo community in a SQLite file."""
    folder = tmp_path_factory.mktemp("worker")
    done = run_ecg(
        ["simulate", "--days", "3", "--community", "demo"],
        folder,
        ECG_DATABASE_URL=f"sqlite:///{folder / 'ecg.db'}",
    )
    assert done.returncode == 0, done.stderr
    return folder


def session_processes(session: int) -> list[int]:
    """Processes still alive in `session` (the worker, its pool, cmdstan)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


class Worker:
    """`ecg worker` in its own session, its log lines collected as they come."""

    def __init__(self, folder: Path, **variables: str) -> None:
        self.url = f"sqlite:///{folder / 'ecg.db'}"
        self.process = start_ecg(
            ["worker"],
            folder,
            ECG_DATABASE_URL=self.url,
            ECG_WORKER_INTERVAL_SECONDS="1",
            **variables,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)

    def wait_for(self, words: str, seconds: float = 120) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if words in line:
                return line
        pytest.fail(f"the worker never logged {words!r} within {seconds:g} s")

    def heartbeat(self):
        engine = make_engine(self.url)
        with engine.connect() as conn:
            beat = last_beat(conn)
        engine.dispose()
        return beat

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def test_fits_past_their_limit_are_killed_and_the_cycle_goes_on(demo_folder):
    worker = Worker(demo_folder, ECG_FORECAST_TIME_LIMIT_SECONDS="0.001")
    try:
        line = worker.wait_for("forecasts of demo:")
        assert "0 made" in line and "took longer than 0.001 s" in line
        first = worker.heartbeat()
        worker.wait_for("demo:")  # the next loop's demo messages: the cycle goes on
        time.sleep(1.5)
        assert worker.heartbeat().beat_at > first.beat_at
        assert worker.heartbeat().pid == worker.process.pid
    finally:
        worker.stop()


def test_sigterm_during_a_refresh_stops_the_worker_and_every_child(demo_folder):
    worker = Worker(demo_folder)
    session = worker.process.pid  # its own session: start_new_session
    try:
        worker.wait_for("forecasting")
        time.sleep(0.5)  # the pool is fitting now
        worker.process.send_signal(signal.SIGTERM)
        # a refresh of the demo's series takes far longer than this; stopping does not wait
        assert worker.process.wait(timeout=5) == 0
        time.sleep(0.3)
        assert session_processes(session) == []
    finally:
        worker.stop()
