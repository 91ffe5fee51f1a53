"""`ecg run`: start the worker and the dashboard side by side; Ctrl-C stops both."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

SERVED = Path(__file__).resolve().parent / "server.py"  # app.py and the sign-in cookie
STOP_GRACE_SECONDS = 10


def launch(port: int, address: str = "127.0.0.1") -> int:
    worker = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "worker"])
    dashboard = subprocess.Popen(
        [
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
    )
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


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    print("Community ECG stopped.", flush=True)
