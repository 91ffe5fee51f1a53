"""`ecg worker` as a user runs it: hung forecast fits are killed and the cycle goes on;
SIGTERM in the middle of a refresh stops it promptly, with no process of it left."""

from __future__ import annotations

import os
import queue
import signal
import threading
import time
from pathlib import Path

import pytest

from data_access.db import make_engine
from data_access.heartbeat import last_beat
from tests.conftest import free_port
from tests.ecg_process import run_ecg, session_processes, start_ecg, wait_until_answers


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
        deadline = time.monotonic() + 60  # the loop's other jobs may take a while
        while worker.heartbeat().beat_at <= first.beat_at:  # the cycle goes on: it beats
            assert time.monotonic() < deadline, "the worker stopped beating after the fits"
            time.sleep(0.5)
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


def test_ctrl_c_of_ecg_run_ends_the_dashboard_the_worker_and_all_they_started(demo_folder):
    """Ctrl-C at a terminal reaches `ecg run`'s process group; the worker and the dashboard
    lead groups of their own and are stopped by it (killed when they linger)."""
    port = free_port()
    url = f"sqlite:///{demo_folder / 'ecg.db'}"
    run = start_ecg(
        ["run", "--port", str(port)],
        demo_folder,
        ECG_DATABASE_URL=url,
        ECG_WORKER_INTERVAL_SECONDS="1",
    )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/_stcore/health", run, seconds=120)
        before = time.monotonic()
        engine = make_engine(url)
        while time.monotonic() - before < 60:  # the worker is up once it has beaten
            with engine.connect() as conn:
                beat = last_beat(conn)
            if beat is not None and beat.pid != run.pid and len(session_processes(run.pid)) >= 3:
                break
            time.sleep(0.3)
        engine.dispose()
        assert len(session_processes(run.pid)) >= 3  # ecg run, the worker, the dashboard
        os.killpg(run.pid, signal.SIGINT)
        assert run.wait(timeout=10) == 0
        assert "Community ECG stopped." in run.stdout.read()
        time.sleep(0.3)
        assert session_processes(run.pid) == []
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for pid in session_processes(run.pid):
            os.kill(pid, signal.SIGKILL)
