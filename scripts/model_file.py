"""What every training script does with the file it makes: print the figures, then write
the file, or with `--check` say whether the committed one is reproduced byte for byte."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(description: str, build: Callable[[Path], tuple[bytes, dict]], output: Path) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    made, measured = build(args.data)
    for name, value in measured.items():
        print(f"  {name:28} {value:.4f}")
    if args.check:
        same = output.exists() and output.read_bytes() == made
        print("the committed model is reproduced exactly" if same else "DIFFERS from committed")
        sys.exit(0 if same else 1)
    output.parent.mkdir(exist_ok=True)
    output.write_bytes(made)
    print(f"wrote {output.relative_to(ROOT)} ({len(made) / 1e6:.2f} MB)")
