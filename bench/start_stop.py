"""`make run` started and stopped N times, as a user at a terminal does (Ctrl-C reaches
the whole foreground process group): each time the dashboard answers, the worker writes
a fresh heartbeat, and after Ctrl-C every process is gone. Prints the figures.

    python bench/start_stop.py [--cycles 10] [--port 8531]   (from a checkout's root)
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ecg_process import session_processes  # noqa: E402


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def fresh_beat(database: Path, since: datetime) -> bool:
    if not database.exists():
        return False
    try:
        with sqlite3.connect(database) as conn:
            row = conn.execute("SELECT beat_at FROM worker_beats").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and datetime.fromisoformat(row[0]).replace(tzinfo=UTC) >= since


def cycle(port: int, timeout: float) -> tuple[float, float]:
    """(seconds until the dashboard and the worker are both up, seconds to stop all)."""
    started, since = time.monotonic(), datetime.now(UTC).replace(microsecond=0)
    make = subprocess.Popen(
        ["make", "run", f"ECG_PORT={port}"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ECG_WORKER_INTERVAL_SECONDS": "2"},
    )
    database = Path("data/ecg.db")
    while not (healthy(port) and fresh_beat(database, since)):
        if make.poll() is not None or time.monotonic() - started > timeout:
            raise SystemExit(f"not up after {time.monotonic() - started:.0f} s")
        time.sleep(0.5)
    up = time.monotonic() - started
    stopping = time.monotonic()
    os.killpg(make.pid, signal.SIGINT)
    while session_processes(make.pid) and time.monotonic() - stopping < 30:
        time.sleep(0.05)
    left = session_processes(make.pid)
    if left:
        raise SystemExit(f"processes left after Ctrl-C: {left}")
    return up, time.monotonic() - stopping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--port", type=int, default=8531)
    parser.add_argument("--first-timeout", type=float, default=900)
    args = parser.parse_args()
    for n in range(1, args.cycles + 1):
        up, stop = cycle(args.port, args.first_timeout if n == 1 else 120)
        print(
            f"cycle {n}: up (dashboard answers, worker beating) in {up:.1f} s; "
            f"Ctrl-C ended every process in {stop:.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
