"""WhatsApp's "Export chat" .txt, from Android and from iOS.

One message starts a line: Android writes `31/12/2021, 23:59 - Name: text`, iOS
`[31/12/2021, 23:59:59] Name: text`; the clock may be 12-hour (`11:59 PM`, with a
narrow no-break space before `PM` in newer versions), the date may use `/`, `.` or `-`,
and lines may start with a left-to-right mark (U+200E). Lines that do not start a message
continue the one before. The day/month order is not written anywhere: it is inferred from
the whole file (a first number above 12 means day first, a second above 12 month first;
otherwise the order under which the messages run forward in time, and on a tie, month
first with a 12-hour clock, day first with a 24-hour one).

Lines without a sender (Android) or whose text starts with a left-to-right mark (iOS) are
system lines, counted as events: joins, adds, leaves, removals, the encryption notice,
group changes. Attachments (`<Media omitted>`, `IMG-….jpg (file attached)`, `<attached:
…>`, `image omitted`, `sticker omitted` …) are posts without text; "This message was
deleted" is an event. The sender is the name or phone number as written (WhatsApp
exports no ids). The chat is named from the file (`WhatsApp Chat with NAME.txt`). Times
are the phone's clock times, read as UTC (the export says nothing of its time zone).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ingest.formats.encoding import head_text
from ingest.formats.text_export import content_id, decoded_lines, records
from ingest.records import (
    MEDIA,
    Activity,
    ImportFormatError,
    NotAMessage,
    ParsedRow,
    RawMessage,
    RowError,
    WithoutText,
)

MARKS = "\u200e\u200f\u202a\u202c\ufeff"  # direction marks WhatsApp puts around names
HEADER = re.compile(
    rf"[{MARKS}]*\[?(?P<date>\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}),? "
    r"(?P<clock>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
    r"(?:[ \u202f\u00a0]?(?P<half>[AaPp]\.? ?[Mm]\.?))?(?:\] | - )(?P<rest>.*)$"
)
ATTACHMENT = re.compile(
    r"^(?:<Media omitted>|<attached: .*>|.+ \(file attached\)|null|"
    r"(?P<kind>image|video|audio|sticker|GIF|document|Contact card) omitted)$",
    re.IGNORECASE,
)
DELETED = ("This message was deleted", "You deleted this message")
SYSTEM_LINES = (
    ("joined using this group's invite link", "joined the group"),
    ("end-to-end encrypted", "the encryption notice"),
    (" created ", "created the group"),
    (" added ", "added a member"),
    (" removed ", "removed a member"),
    (" left", "left the group"),
    (" changed ", "changed the group"),
)


def looks_like_whatsapp(path: Path) -> bool:
    if path.suffix.lower() != ".txt":
        return False
    head = head_text(path)
    lines = [line for line in head.splitlines()[:5] if line.strip()]
    return bool(lines) and HEADER.match(lines[0].lstrip("\ufeff")) is not None


def chat_name(path: Path) -> str:
    name = re.sub(r"^WhatsApp Chat (?:with |- )", "", path.stem, flags=re.IGNORECASE)
    return "WhatsApp chat" if name in ("_chat", "") else name


def read_whatsapp(path: Path) -> Iterator[ParsedRow]:
    day_first = _day_first(path)
    chat = chat_name(path)
    seen: Counter = Counter()
    preamble: list[str] = []
    count = 0
    lines = decoded_lines(path)
    for record in records(path, lines, HEADER, preamble.append, after_blank=False):
        count += 1
        yield ParsedRow.attempt(record.line, _message, record, day_first, chat, seen)
    if count == 0 or any(line.strip() for line in preamble):
        raise ImportFormatError(str(path), 1, "not a WhatsApp chat export (no message line)")


def _day_first(path: Path) -> bool:
    """Whether dates are day/month, from every message line of the file."""
    dates, twelve_hour = [], False
    for line in decoded_lines(path):
        match = HEADER.match(line)
        if match:
            parts = [int(p) for p in re.split(r"[./-]", match.group("date"))]
            dates.append((parts, match.group("clock")))
            twelve_hour = twelve_hour or match.group("half") is not None
    if not dates or any(parts[0] > 31 for parts, _ in dates):  # year first: no question
        return False
    if any(parts[0] > 12 for parts, _ in dates):
        return True
    if any(parts[1] > 12 for parts, _ in dates):
        return False
    backwards = {first: _steps_back(dates, first) for first in (True, False)}
    if backwards[True] != backwards[False]:
        return backwards[True] < backwards[False]
    return not twelve_hour


def _steps_back(dates: list, day_first: bool) -> int:
    """How often the next message's date comes before the one before it, read so."""
    ordered = [_ymd(parts, day_first) for parts, _ in dates]
    return sum(later < earlier for earlier, later in zip(ordered, ordered[1:], strict=False))


def _ymd(parts: list[int], day_first: bool) -> tuple[int, int, int]:
    if parts[0] > 31:
        return parts[0], parts[1], parts[2]
    year = parts[2] + 2000 if parts[2] < 100 else parts[2]
    return (year, parts[1], parts[0]) if day_first else (year, parts[0], parts[1])


def _time(match: re.Match, day_first: bool) -> datetime:
    year, month, day = _ymd([int(p) for p in re.split(r"[./-]", match.group("date"))], day_first)
    clock = [int(p) for p in re.split(r"[:.]", match.group("clock"))]
    hour, minute, second = clock[0], clock[1], clock[2] if len(clock) > 2 else 0
    half = (match.group("half") or "").replace(".", "").replace(" ", "").lower()
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise RowError(f"bad time {match.group('date')} {match.group('clock')}") from None


def _message(record, day_first: bool, chat: str, seen: Counter) -> RawMessage:
    match = record.header
    at = _time(match, day_first)
    rest = match.group("rest")
    sender, separator, first = rest.partition(": ")
    name = sender.strip(MARKS + " \u00a0")
    if not separator or not name:
        raise NotAMessage(_system_line(rest))
    lines = [first, *record.body]
    message_id = content_id(seen, chat, match.group(0), "\n".join(record.body))
    opening = first.strip(MARKS + " ")
    if ATTACHMENT.match(opening):
        caption = "\n".join(record.body).strip()
        if not caption:
            kind = (ATTACHMENT.match(opening).group("kind") or "attachment").lower()
            raise WithoutText(kind, (Activity(MEDIA, at, chat, name, name, message_id),))
        lines = list(record.body)
    elif first.startswith("\u200e"):  # iOS: a system line under the group's name
        raise NotAMessage(_system_line(opening))
    text = "\n".join(line.strip(MARKS) for line in lines).strip()
    if text in DELETED:
        raise NotAMessage("deleted a message (a system line)")
    if not text:
        raise RowError("a message without text")
    return RawMessage(message_id, at, chat, name, name, text)


def _system_line(text: str) -> str:
    padded = f" {text.strip(MARKS)} "
    what = next((name for words, name in SYSTEM_LINES if words in padded), "other system line")
    return f"{what} (a system line)"
