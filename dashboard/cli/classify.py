"""`ecg classify`: the kind of each text of a file (question, bug report, feature
request, complaint, praise, other) and how sure the model is, as CSV."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from analysis.kinds import read_kind
from analysis.sentiment import analyse
from dashboard.cli.text_files import csv_output, texts_of

COLUMNS = ["row", "text", "language", "kind", "confidence"]


def classified_rows(texts: Iterable[str]) -> Iterator[dict]:
    for row, text in enumerate(texts, start=1):
        sentiment = analyse(text)
        reading = read_kind(text, sentiment.compound)
        yield {
            "row": row,
            "text": text,
            "language": sentiment.language,
            "kind": reading.kind,
            "confidence": f"{reading.confidence:.3f}",
        }


def classify_file(path: Path, columns: list[str] | None, out: TextIO | Path) -> int:
    count = 0
    with csv_output(out, COLUMNS) as writer:
        for row in classified_rows(texts_of(path, columns)):
            writer.writerow(row)
            count += 1
    return count
