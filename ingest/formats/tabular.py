"""Streaming CSV and JSONL parsers with a column mapping.

Both read the file one line at a time (memory bounded by the longest allowed
line), decode it strictly in its encoding (UTF-8, UTF-16 or GB18030, see
ingest.formats.encoding) and turn each row into a `ParsedRow`: a message, or
the reason the row has none. Problems with the file as a whole (missing
column, bytes not valid in the encoding, an empty file, an oversized line,
broken JSON) raise `ImportFormatError` with the file and line.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from itertools import chain
from pathlib import Path

from ingest.formats.columns import delimiter_of, guessed_columns
from ingest.formats.encoding import encoding_of
from ingest.records import (
    EMPTY_FILE,
    ImportFormatError,
    ParsedRow,
    RawMessage,
    RowError,
    placeholder_author,
    time_from_unix,
)

MAX_LINE_BYTES = 1_000_000
HEADER_SHOWN = 12  # columns of a header named in an error
REQUIRED_FIELDS = ("timestamp", "author", "text")
OPTIONAL_FIELDS = (
    "channel", "id", "reply_to", "author_name", "is_bot", "author_email", "title",
)  # fmt: skip
DEFAULT_CHANNEL = "general"
_TRUE = {"1", "true", "yes", "y", "t"}


@dataclass(frozen=True)
class ColumnMapping:
    """Which input column holds each message field (JSONL allows dotted paths)."""

    columns: Mapping[str, str]
    read_from_names: frozenset[str] = frozenset()  # fields found by their column's name

    @classmethod
    def parse(cls, pairs: list[str], header: Sequence[str] = ()) -> ColumnMapping:
        """From `field=COLUMN` strings, as given on the command line; with the file's
        `header`, the fields not given are read from its column names where they say
        which field a column holds (ingest.formats.columns)."""
        columns: dict[str, str] = {}
        for pair in pairs:
            field, sep, column = pair.partition("=")
            field = field.strip()
            if not sep or not column.strip():
                raise ValueError(f"--map {pair!r}: write it as FIELD=COLUMN")
            if field not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
                known = ", ".join(REQUIRED_FIELDS + OPTIONAL_FIELDS)
                raise ValueError(f"--map {pair!r}: unknown field {field!r} (known: {known})")
            columns[field] = column.strip()
        given = frozenset(columns)
        if header:
            columns = guessed_columns(header, columns)
        missing = [f for f in REQUIRED_FIELDS if f not in columns]
        if missing and header:
            shown = ", ".join(header[:HEADER_SHOWN]) + (", …" if len(header) > HEADER_SHOWN else "")
            raise ValueError(
                f"no column named for the required field(s) {', '.join(missing)} among "
                f"{shown}: map them with --map FIELD=COL"
            )
        if missing:
            raise ValueError(f"map the required field(s) {', '.join(missing)} with --map FIELD=COL")
        return cls(columns, frozenset(columns) - given)

    def described(self) -> str:
        """ "timestamp=timestamp_utc, author=author_id, ...": the fields in a stable order."""
        order = REQUIRED_FIELDS + OPTIONAL_FIELDS
        return ", ".join(f"{f}={self.columns[f]}" for f in order if f in self.columns)


def read_csv(path: Path, mapping: ColumnMapping, zone: tzinfo = UTC) -> Iterator[ParsedRow]:
    """The rows of a CSV file; a time without an offset is read in `zone`."""
    csv.field_size_limit(MAX_LINE_BYTES)
    lines = text_lines(path)
    first = next(lines, "")
    delimiter = delimiter_of(first)
    reader = csv.DictReader(chain([first], lines), delimiter=delimiter)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        raise ImportFormatError(str(path), 1, f"not readable as CSV: {error}") from None
    if not header:
        raise ImportFormatError(str(path), 0, EMPTY_FILE)
    missing = [col for col in mapping.columns.values() if col not in header]
    if missing:
        raise ImportFormatError(
            str(path), 1, f"mapped column(s) {', '.join(missing)} not in the header {header}"
        )
    swallowed = _RowsOfThisFile(header, mapping.columns["timestamp"], delimiter)
    line = 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFormatError(str(path), reader.line_num, f"bad CSV: {error}") from None
        if reader.line_num > line and swallowed.inside(row):
            yield ParsedRow(line, None, UNTERMINATED_QUOTE)
        elif any(value.strip() for value in row.get(None) or ()):  # past the header's width
            yield ParsedRow(line, None, OVERFLOWING_ROW)
        else:
            yield _to_row(line, row.get, mapping, zone)
        line = reader.line_num + 1


UNTERMINATED_QUOTE = "an unterminated quote: the lines after it were read into this row"
# rather than cut the text where an unquoted separator in it ended the field
OVERFLOWING_ROW = "more fields than the header has: a value holding the separator must be quoted"


class _RowsOfThisFile:
    """Tells a quote left open, which swallowed the rows after it into one field, from a
    message written over several lines: the swallowed field holds at least two lines
    that are whole rows of this file, with its number of fields and a time in its time
    column. (The number of fields alone was not enough: a message in paragraphs with
    the file's number of commas on two of them was rejected, 12 of 50,000 real chat
    messages.)"""

    def __init__(self, header: list[str], time_column: str, delimiter: str):
        self.width = len(header)
        self.time_at = header.index(time_column)
        self.delimiter = delimiter

    def inside(self, row: dict) -> bool:
        for value in row.values():
            if not isinstance(value, str) or "\n" not in value:
                continue
            lines = value.split("\n")[1:]
            fields = csv.reader(lines, delimiter=self.delimiter)
            if sum(1 for f in fields if len(f) == self.width and self._is_time(f)) >= 2:
                return True
        return False

    def _is_time(self, fields: list[str]) -> bool:
        try:
            parse_timestamp(fields[self.time_at].strip())
        except RowError:
            return False
        return True


def read_jsonl(path: Path, mapping: ColumnMapping, zone: tzinfo = UTC) -> Iterator[ParsedRow]:
    """The rows of a JSON Lines file; a time without an offset is read in `zone`."""
    empty = True
    for number, text in enumerate(text_lines(path), start=1):
        if not text.strip():
            continue
        empty = False
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFormatError(str(path), number, f"invalid JSON: {error.msg}") from None
        yield row_from_record(number, record, mapping, zone)
    if empty:
        raise ImportFormatError(str(path), 0, EMPTY_FILE)


def text_lines(path: Path) -> Iterator[str]:
    """Decoded lines of `path`, each with its line end, in its encoding (UTF-8, UTF-16 or
    GB18030: ingest.formats.encoding), refusing bytes not valid in it and lines over
    MAX_LINE_BYTES."""
    encoding = encoding_of(path)
    if encoding == "utf-16":
        yield from _wide_lines(path)
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the generator)
    except OSError as error:
        raise ImportFormatError(str(path), 0, error.strerror or str(error)) from None
    name = "GB18030" if encoding == "gb18030" else "UTF-8"
    with handle:
        number = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise ImportFormatError(
                    str(path), number, f"line longer than {MAX_LINE_BYTES:,} bytes"
                )
            try:
                text = raw.decode(encoding if number == 1 else encoding.removesuffix("-sig"))
            except UnicodeDecodeError as error:
                raise ImportFormatError(
                    str(path), number, f"invalid {name} at byte {error.start} of the line"
                ) from None
            yield text
        if number == 0:
            raise ImportFormatError(str(path), 0, EMPTY_FILE)


def _wide_lines(path: Path) -> Iterator[str]:
    """text_lines of a UTF-16 file (its byte-order mark says which order), read as text:
    its line ends are two bytes, which a byte-wise line split would cut."""
    longest = MAX_LINE_BYTES // 2  # characters
    try:
        handle = open(path, encoding="utf-16", errors="strict", newline="")  # noqa: SIM115
    except OSError as error:
        raise ImportFormatError(str(path), 0, error.strerror or str(error)) from None
    with handle:
        number = 0
        while True:
            try:
                text = handle.readline(longest + 1)
            except UnicodeDecodeError:
                raise ImportFormatError(str(path), number + 1, "invalid UTF-16") from None
            if not text:
                break
            number += 1
            if len(text) > longest:
                raise ImportFormatError(
                    str(path), number, f"line longer than {MAX_LINE_BYTES:,} bytes"
                )
            yield text
        if number == 0:
            raise ImportFormatError(str(path), 0, EMPTY_FILE)


def row_from_record(line: int, record, mapping: ColumnMapping, zone: tzinfo = UTC) -> ParsedRow:
    """One JSON line's object as a parsed row (dotted paths allowed in the mapping)."""
    if not isinstance(record, dict):
        return ParsedRow(line, None, "the line is not a JSON object")
    return _to_row(line, lambda column: _dotted(record, column), mapping, zone)


def _to_row(line: int, get, mapping: ColumnMapping, zone: tzinfo) -> ParsedRow:
    return ParsedRow.attempt(line, _to_message, get, mapping.columns, zone)


def _to_message(get, columns: Mapping[str, str], zone: tzinfo = UTC) -> RawMessage:
    def value(field: str) -> str:
        column = columns.get(field)
        raw = get(column) if column else None
        return "" if raw is None else str(raw).strip()

    # a row without an id is known by its time as read in UTC, whatever zone it is read in:
    # importing it again in another zone adds nothing
    written = parse_timestamp(value("timestamp"))
    sent_at = written if zone == UTC else parse_timestamp(value("timestamp"), zone)
    author = value("author")  # empty or [deleted]: kept under the placeholder, see records
    text = "\n\n".join(part for part in (value("title"), value("text")) if part)
    if not text:
        raise RowError("no text")
    channel = value("channel") or DEFAULT_CHANNEL
    external_id = value("id") or _content_id(written, channel, author, text)
    message = RawMessage(
        external_id=external_id,
        sent_at=sent_at,
        channel=channel,
        author_id=author,
        author_name=value("author_name") or author,
        text=text,
        reply_to=value("reply_to") or None,
        is_bot=value("is_bot").lower() in _TRUE,
        author_email=value("author_email").lower() or None,
    )
    return placeholder_author(message)


def parse_timestamp(raw: str, zone: tzinfo = UTC) -> datetime:
    """ISO 8601 (a time without offset is in `zone`) or Unix seconds or milliseconds."""
    if not raw:
        raise RowError("no timestamp")
    try:
        number = float(raw)
    except ValueError:
        number = None
    if number is not None:
        seconds = number / 1000 if number > 1e11 else number
        try:
            return time_from_unix(seconds, "timestamp")
        except RowError:
            raise RowError(f"bad timestamp {raw[:40]!r}") from None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise RowError(f"bad timestamp {raw[:40]!r} (expected ISO 8601 or Unix time)") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone).astimezone(UTC)
    return parsed.astimezone(UTC)


def _content_id(sent_at: datetime, channel: str, author: str, text: str) -> str:
    digest = hashlib.sha1(f"{sent_at.isoformat()}\0{channel}\0{author}\0{text}".encode())
    return "sha1:" + digest.hexdigest()


def _dotted(record: dict, path: str):
    value = record
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
