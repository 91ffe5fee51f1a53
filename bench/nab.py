"""NAB score of `ecg detect` with its default setting on the shared tweet series, per file;
and the honest figure, leave-one-file-out: for each file, the setting that scores best
on the other four (from the grid below) scores it, and the five held-out results are
scored together.

python bench/nab.py [--data ../shared/data/nab_tweets] [--leave-one-out]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import importlib.util  # noqa: E402
import itertools  # noqa: E402
from datetime import timedelta  # noqa: E402

import pandas as pd  # noqa: E402

from dashboard.cli.detect import detect_file  # noqa: E402
from forecasting.spikes import detect_spikes  # noqa: E402

GRID = {  # what leave-one-file-out may choose from
    "z_open": (3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 7.0),
    "smooth": tuple(timedelta(minutes=m) for m in (5, 15, 30, 60)),
    "window": (timedelta(days=7), timedelta(days=22)),
}

TOOLS = ROOT.parent / "shared" / "tools" / "nab_score.py"


def nab_score(data: Path, detections: Path) -> str:
    """The scoring tool's report for the detection files in `detections`."""
    scored = subprocess.run(
        [
            sys.executable,
            str(TOOLS),
            "--data",
            str(data),
            "--windows",
            str(data / "windows.json"),
            "--detections",
            str(detections),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return scored.stdout.strip()


def leave_one_file_out(data: Path) -> None:
    """Every grid setting on every file, scored in memory by the shared tool's own code."""
    spec = importlib.util.spec_from_file_location("nab_score", TOOLS)
    nab = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(nab)
    windows = nab.load_windows(str(data / "windows.json"))
    files = sorted(p.name for p in data.glob("*.csv"))
    frames = {f: pd.read_csv(data / f) for f in files}
    cost = nab.PROFILES["standard"]
    series = {
        f: nab.Series(f, pd.to_datetime(frames[f]["timestamp"]), windows[f], cost) for f in files
    }
    settings = [
        dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    parts = {}  # (setting index, file) -> (raw, null, windows)
    for index, setting in enumerate(settings):
        for name in files:
            frame = frames[name]
            spikes = detect_spikes(frame["timestamp"], frame["value"], **setting).spikes
            result = series[name].score(spikes.to_numpy() == 1)
            parts[index, name] = (result["raw"], series[name].null_raw(), result["windows"])

    def normalised(keys) -> float:
        raw, null, perfect = (sum(parts[k][i] for k in keys) for i in range(3))
        return 100 * (raw - null) / (perfect - null)

    held_out = []
    for name in files:
        others = [f for f in files if f != name]
        best = max(range(len(settings)), key=lambda i: normalised([(i, f) for f in others]))
        held_out.append((best, name))
        chosen = settings[best]
        print(
            f"  hold out {name}: chose z {chosen['z_open']}, smooth {chosen['smooth']}, "
            f"window {chosen['window'].days} d; scores {normalised([(best, name)]):.1f}"
        )
    print(f"leave-one-file-out ({len(settings)} settings): {normalised(held_out):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "nab_tweets")
    parser.add_argument("--leave-one-out", action="store_true")
    args = parser.parse_args()
    if args.leave_one_out:
        leave_one_file_out(args.data)
        return
    out = Path(tempfile.mkdtemp(prefix="ecg-nab-"))
    began = time.perf_counter()
    files = sorted(args.data.glob("*.csv"))
    for series in files:
        detect_file(series, out / series.name)
    seconds = time.perf_counter() - began
    print(nab_score(args.data, out))
    for series in files:  # each file alone, normalised on its own windows
        single = Path(tempfile.mkdtemp(prefix="ecg-nab-one-"))
        (single / series.name).write_bytes((out / series.name).read_bytes())
        last = nab_score(args.data, single).splitlines()[-1]
        print(f"  {series.name}: {last.rsplit(':', 1)[1].strip()}")
    print(f"detection time: {seconds:.2f} s for {len(files)} files")


if __name__ == "__main__":
    main()
