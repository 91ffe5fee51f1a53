"""`ecg score`: language, label and compound score for each text of a file, as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from analysis.sentiment import analyse, explain
from ingest.records import ImportFormatError

COLUMNS = ["text", "language", "label", "compound"]


def texts_of(path: Path, column: str | None) -> Iterator[str]:
    """Lines of a text file, or one column of a CSV file."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise ImportFormatError(str(path), 0, error.strerror or str(error)) from None
    with handle:
        if column is None:
            yield from (line.rstrip("\r\n") for line in handle if line.strip())
            return
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise ImportFormatError(str(path), 1, f"no column {column!r} in {reader.fieldnames}")
        try:
            yield from (row[column] or "" for row in reader)
        except UnicodeDecodeError as error:
            raise ImportFormatError(str(path), reader.line_num, f"invalid UTF-8: {error}") from None


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


def score_file(path: Path, column: str | None, with_explanation: bool, out: TextIO | Path) -> int:
    columns = COLUMNS + (["explanation"] if with_explanation else [])
    handle = open(out, "w", newline="", encoding="utf-8") if isinstance(out, Path) else out  # noqa: SIM115
    try:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        count = 0
        for row in score_rows(texts_of(path, column), with_explanation):
            writer.writerow(row)
            count += 1
        return count
    finally:
        if isinstance(out, Path):
            handle.close()
