"""The real `ecg` command as a user runs it: a subprocess with only the environment the
docs name (PATH, HOME and the ECG_ variables a test passes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ECG = Path(sys.executable).parent / "ecg"


def user_environment(**variables: str) -> dict[str, str]:
    """PATH and HOME of this process, plus `variables`; nothing else leaks in."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    env.update(variables)
    return env


def run_ecg(
    args: list[str], cwd: Path, timeout: float = 120, stdin: str | None = None, **variables: str
) -> subprocess.CompletedProcess:
    """Run `ecg ARGS` in `cwd` to the end; stdout and stderr as text."""
    return subprocess.run(
        [str(ECG), *args],
        cwd=cwd,
        env=user_environment(**variables),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_ecg(args: list[str], cwd: Path, **variables: str) -> subprocess.Popen:
    """Start `ecg ARGS` in `cwd` in its own process group; the caller stops it."""
    return subprocess.Popen(
        [str(ECG), *args],
        cwd=cwd,
        env=user_environment(**variables),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_until_answers(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until `url` answers 200; RuntimeError if `process` exits first or time is up."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


def session_processes(session: int) -> list[int]:
    """Processes still alive in `session` (a command started by start_ecg and all it began)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive
