"""Train the shipped message-kind model, print its honest figures, and write it to
`analysis/models/kinds.json.gz` (`--check`: retrain and say whether the committed
file is reproduced byte for byte). See analysis/training/kinds.py.

    .venv/bin/python scripts/train_kinds.py [--data ../shared/data] [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model_file import run  # noqa: E402  (beside this script)

from analysis.kinds import MODEL_PATH  # noqa: E402
from analysis.training.kinds import build  # noqa: E402

if __name__ == "__main__":
    run(__doc__.splitlines()[0], build, MODEL_PATH)
