"""Texts in, CSV out: what `ecg score`, `ecg classify` and `ecg topics discover` read
from a file and how they write their results."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ingest.formats.encoding import encoding_of
from ingest.records import ImportFormatError

csv.field_size_limit(min(sys.maxsize, 1 << 31 - 1))  # issue bodies can be megabytes long


STANDARD_INPUT = Path("-")  # `echo "text" | ecg score -`
PIPE_HINT = "to give the texts themselves, pipe them in, one a line, and name the file -"


def texts_of(path: Path, columns: list[str] | None) -> Iterator[str]:
    """Lines of a text file (standard input for -), or the `columns` of each row of a CSV
    file joined by a line break (`--column title --column body`: the title is the first
    line). The file is opened, and a CSV's header checked, at once: nothing is written
    before a bad input is refused."""
    try:
        handle = _opened(path)
    except OSError as error:
        reason = error.strerror or str(error)
        if not path.exists():  # `ecg score "some text"`: say how texts are given
            reason = f"{reason} ({PIPE_HINT})"
        raise ImportFormatError(str(path), 0, reason) from None
    reader = None
    if columns:
        try:
            reader = csv.DictReader(handle)
            missing = [column for column in columns if column not in (reader.fieldnames or [])]
        except UnicodeDecodeError as error:
            handle.close()
            raise ImportFormatError(str(path), 0, _not_valid(error)) from None
        if missing:
            handle.close()
            raise ImportFormatError(
                str(path), 1, f"no column {missing[0]!r} in {reader.fieldnames}"
            )
    return _texts(path, handle, reader, columns)


def _opened(path: Path) -> TextIO:
    """The file in its encoding (UTF-8, UTF-16 or GB18030: ingest.formats.encoding);
    standard input in UTF-8."""
    if path == STANDARD_INPUT:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    encoding = encoding_of(path)
    return open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")  # noqa: SIM115


def _texts(path: Path, handle, reader, columns) -> Iterator[str]:
    with handle:
        try:
            if reader is None:
                yield from (line.rstrip("\r\n") for line in handle if line.strip())
            else:
                for row in reader:
                    yield "\n".join(row[column] or "" for column in columns)
        except UnicodeDecodeError as error:
            raise ImportFormatError(str(path), 0, _not_valid(error)) from None


def _not_valid(error: UnicodeDecodeError) -> str:
    return f"not valid {error.encoding.upper()} text: {error.reason}"


@contextmanager
def csv_output(out: TextIO | Path, columns: list[str]):
    """A csv.DictWriter on `out` (a path is created, a stream is written to), its
    header written."""
    handle = open(out, "w", newline="", encoding="utf-8") if isinstance(out, Path) else out  # noqa: SIM115
    try:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        yield writer
    finally:
        if isinstance(out, Path):
            handle.close()
