"""NAB score of `ecg detect` with its default setting on the shared tweet series, per file.

python bench/nab.py [--data ../shared/data/nab_tweets]
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

from dashboard.cli.detect import detect_file  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "nab_tweets")
    args = parser.parse_args()
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
