"""Chat exports written as plain text (WeChat's and QQ's TXT): their encoding, and their
records, each a header line (time and sender) followed by the lines of its body.

Chinese tools write UTF-8 (with or without a byte-order mark), UTF-16 (with one) or
GB18030 (the Windows code page of older QQ): ingest.formats.encoding tells which; a
byte that is not valid in it stops the import with its line.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from ingest.formats.encoding import encoding_of
from ingest.records import EMPTY_FILE, ImportFormatError, RowError

# Times written as clock times (WeChat and QQ text exports, WeChatMsg's v2 CSV) are the
# exporting computer's; they are read as China Standard Time, where these apps are used.
CHINA_TIME = timezone(timedelta(hours=8))
MAX_BODY_LINES = 2_000  # a record's body longer than this: the file is not what it seems


def decoded_lines(path: Path) -> Iterator[str]:
    """The lines of `path` in its encoding, without line ends; ImportFormatError with the
    line for bytes that are not valid in it."""
    encoding = encoding_of(path)
    try:
        handle = open(path, encoding=encoding, errors="strict", newline="")  # noqa: SIM115
    except OSError as error:
        raise ImportFormatError(str(path), 0, error.strerror or str(error)) from None
    number = 0
    with handle:
        try:
            for number, line in enumerate(handle, 1):  # noqa: B007 (read after the loop)
                yield line.rstrip("\r\n")
        except UnicodeDecodeError:
            raise ImportFormatError(
                str(path), number + 1, f"not valid {encoding} text (a wrong or mixed encoding)"
            ) from None
    if number == 0:
        raise ImportFormatError(str(path), 0, EMPTY_FILE)


@dataclass(frozen=True)
class Record:
    line: int  # where its header is
    header: re.Match
    body: tuple[str, ...]


def records(
    path: Path,
    lines: Iterator[str],
    header: re.Pattern,
    on_other: Callable[[str], None],
    after_blank: bool = True,
) -> Iterator[Record]:
    """Records of `lines`: a line `header` matches (`after_blank`: only after a blank
    line or at the start) opens one; the lines up to the next such header are its body
    (blank lines at its end dropped). Lines before the first header go to `on_other` (a
    file's preamble)."""
    current: Record | None = None
    body: list[str] = []
    blank_before = True
    for number, line in enumerate(lines, 1):
        match = header.match(line) if blank_before or not after_blank else None
        if match:
            if current is not None:
                yield _closed(current, body)
            current, body = Record(number, match, ()), []
        elif current is None:
            on_other(line)
        else:
            body.append(line)
            if len(body) > MAX_BODY_LINES:
                raise ImportFormatError(
                    str(path), current.line, f"a message over {MAX_BODY_LINES:,} lines long"
                )
        blank_before = not line.strip()
    if current is not None:
        yield _closed(current, body)


def _closed(record: Record, body: list[str]) -> Record:
    while body and not body[-1].strip():
        body.pop()
    return Record(record.line, record.header, tuple(body))


def china_time(text: str, formats: tuple[str, ...]) -> datetime:
    """A clock time written in China as aware UTC; RowError when no format reads it."""
    for form in formats:
        try:
            return datetime.strptime(text, form).replace(tzinfo=CHINA_TIME).astimezone(UTC)
        except ValueError:
            continue
    raise RowError(f"bad time {text[:40]!r}")


def content_id(seen: Counter, *parts: str) -> str:
    """An id for a record the export gives none: its content (`parts`), and how many
    identical records came before it in the file (`seen`, updated), so that two equal
    posts in one second stay two and a second import finds both again."""
    key = "\0".join(parts)
    seen[key] += 1
    return "sha1:" + hashlib.sha1(f"{key}\0{seen[key]}".encode()).hexdigest()
