"""Train the shipped message-kind model, print its honest figures, and write it to
`analysis/models/kinds.json.gz` (`--check`: retrain and say whether the committed
file is reproduced byte for byte). See analysis/training/kinds.py.

    .venv/bin/python scripts/train_kinds.py [--data ../shared/data] [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.kinds import MODEL_PATH  # noqa: E402
from analysis.training.kinds import build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    made, measured = build(args.data)
    for name, value in measured.items():
        print(f"  {name:28} {value:.4f}")
    if args.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_bytes() == made
        print("the committed model is reproduced exactly" if same else "DIFFERS from committed")
        sys.exit(0 if same else 1)
    MODEL_PATH.parent.mkdir(exist_ok=True)
    MODEL_PATH.write_bytes(made)
    print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({len(made) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
