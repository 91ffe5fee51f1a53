"""`ecg score`: language, label and compound score for each text of a file, as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from analysis.sentiment import analyse, explain
from dashboard.cli.text_files import csv_output, texts_of

COLUMNS = ["text", "language", "label", "compound"]


def score_rows(texts: Iterator[str], with_explanation: bool) -> Iterator[dict]:
    for text in texts:
        result = analyse(text)
        row = {
            "text": text,
            "language": result.language,
            "label": result.label,
            "compound": "" if result.compound is None else f"{result.compound:.4f}",
        }
        if with_explanation:
            words = explain(text) if result.compound is not None else []
            row["explanation"] = " ".join(f"{word}({valence:+.1f})" for word, valence in words)
        yield row


def score_file(
    path: Path, columns: list[str] | None, with_explanation: bool, out: TextIO | Path
) -> int:
    fields = COLUMNS + (["explanation"] if with_explanation else [])
    count, texts = 0, texts_of(path, columns)  # a bad input is refused before any output
    with csv_output(out, fields) as writer:
        for row in score_rows(texts, with_explanation):
            writer.writerow(row)
            count += 1
    return count
