"""`ecg run`: start the worker and the dashboard side by side; Ctrl-C stops both."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVED = Path(__file__).resolve().parents[1] / "server.py"  # app.py and the sign-in cookie
STOP_GRACE_SECONDS = 1.2  # then whatever is left of a child's process group is killed


def launch(port: int, address: str = "127.0.0.1") -> int:
    # Each child leads a process group of its own, so that stopping it reaches whatever
    # it started (a forecast pool's fitting processes): nothing outlives `ecg run`.
    worker = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "worker"], process_group=0)
    dashboard = subprocess.Popen(_dashboard_command(port, address), process_group=0)
    shown = "localhost" if address in ("127.0.0.1", "localhost") else address
    print(
        f"\n  Community ECG is starting on http://{shown}:{port}  (Ctrl-C stops it)\n", flush=True
    )
    children = [worker, dashboard]
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # explicit: a background job
        signal.signal(stop_signal, _interrupt)  # starts with SIGINT ignored
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        _stop(children)
        return 0
    died = next(child for child in children if child.poll() is not None)
    print(
        f"{'worker' if died is worker else 'dashboard'} exited ({died.returncode}); "
        "stopping the other",
        file=sys.stderr,
    )
    _stop(children)
    return died.returncode or 1


def _dashboard_command(port: int, address: str) -> list[str]:
    """Streamlit serving the app with its sign-in routes, tracebacks and the developer
    toolbar hidden from users."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(SERVED),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        address,
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "viewer",
    ]


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def _stop(children: list[subprocess.Popen]) -> None:
    """SIGINT to each child's process group; what is still there after the grace period
    is killed (a database write in hand is rolled back by the database)."""
    for child in children:
        _signal_group(child, signal.SIGINT)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(max(0.05, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{_name(child)} did not stop in {STOP_GRACE_SECONDS} s: killed", file=sys.stderr)
        _signal_group(child, signal.SIGKILL)  # also any process the child left behind
        child.wait()
    print("Community ECG stopped.", flush=True)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group is gone already
        os.killpg(child.pid, signum)


def _name(child: subprocess.Popen) -> str:
    return "the worker" if "worker" in child.args else "the dashboard"
