"""Message kinds: how right (the issue reports' test file, never trained on, and the
hand-labelled chat messages of tests/fixtures/kinds/) and how fast (CPU time on one
core, real chat and real issue reports, the kind alone and with its sentiment).

    python bench/kinds.py [--data ../shared/data]

Targets (issue 18): macro-F1 >= 0.83 on nlbse24_issues_test.csv, trained on the train
file only (its published baseline, SetFit with a downloaded sentence model: 0.827);
>= 20,000 messages/s on one core.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import kinds  # noqa: E402
from analysis.sentiment import analyse  # noqa: E402
from analysis.training.kinds import (  # noqa: E402
    ISSUES_TEST,
    issue_reports,
    labelled_chat,
    macro_f1,
)


def rightness(data: Path) -> None:
    model = kinds.model()
    test = issue_reports(data, ISSUES_TEST)
    wanted = [report.kind for report in test]
    by_model = [max(zip(model.probabilities(r.text), model.kinds, strict=True))[1] for r in test]
    by_product = [kinds.read_kind(r.text, analyse(r.text).compound).kind for r in test]
    print(f"issue reports, test file ({len(test):,}), macro-F1 over question/bug/feature:")
    print(f"  the model alone            {macro_f1(wanted, by_model, kinds.MODEL_KINDS):.4f}")
    print(f"  the product (cues, tone)   {macro_f1(wanted, by_product, kinds.MODEL_KINDS):.4f}")
    print(f"  read as not a request      {sum(k not in kinds.MODEL_KINDS for k in by_product)}")
    chat = labelled_chat(data)
    found = [kinds.read_kind(e.text, analyse(e.text).compound).kind for e in chat]
    wanted = [example.kind for example in chat]
    right = sum(w == f for w, f in zip(wanted, found, strict=True))
    print(f"hand-labelled chat ({len(chat)} messages): accuracy {right / len(chat):.3f}")
    print(f"  macro-F1 over the six kinds {macro_f1(wanted, found, kinds.KINDS):.4f}")
    pairs = Counter(zip(wanted, found, strict=True))
    print("  labelled \\ read  " + " ".join(f"{k[:8]:>8}" for k in kinds.KINDS))
    for kind in kinds.KINDS:
        print(f"  {kind:15} " + " ".join(f"{pairs[kind, k]:8}" for k in kinds.KINDS))
    # all-other baseline: what calling every chat message "other" would score
    print(f"  (calling all 'other': accuracy {wanted.count(kinds.OTHER) / len(chat):.3f})")


def speed(data: Path) -> None:
    with open(data / "chat" / "matrix_array_languages.csv", encoding="utf-8") as handle:
        chat = [row["text"] for row in csv.DictReader(handle) if row["text"].strip()]
    reports = [r.text for r in issue_reports(data, ISSUES_TEST)]
    kinds.model()  # loaded once, not timed
    for name, texts in (("real chat", chat), ("issue reports", reports)):
        scores = [analyse(text).compound for text in texts]
        started = time.process_time()
        for text, score in zip(texts, scores, strict=True):
            kinds.read_kind(text, score)
        alone = time.process_time() - started
        started = time.process_time()
        for text in texts:
            kinds.read_kind(text, analyse(text).compound)
        both = time.process_time() - started
        print(
            f"{name} ({len(texts):,}): kind alone {len(texts) / alone:,.0f} msg/s, "
            f"kind with its sentiment {len(texts) / both:,.0f} msg/s (one core, CPU time)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    rightness(args.data)
    speed(args.data)


if __name__ == "__main__":
    main()
