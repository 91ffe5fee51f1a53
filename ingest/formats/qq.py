"""QQ's message-manager TXT export (消息管理器 → 导出消息记录 → .txt).

The file opens with a preamble (消息记录（此消息记录为文本格式，不支持重新导入）, then
blocks of `消息分组:` and `消息对象:` between lines of `=`), then one record per message:
`YYYY-MM-DD HH:MM:SS Nickname(QQ number)` (or `Nickname<e-mail>`), the lines of the
message, and a blank line. Older versions write the date with `/`, the hour without a
leading zero, or a 12-hour clock (`上午`/`下午`, `AM`/`PM`). A whole-account export
holds several chats, each after its own `消息对象:` block. Encodings: UTF-8 with or
without a byte-order mark, UTF-16, GB18030 (ingest/formats/text_export.py).

Placeholders ([图片], [表情], [语音] ...) are dropped from a message's text; a message of
placeholders alone is a post without text (member activity). Lines from 系统消息(10000)
are events: joins, leaves, removals, recalls. Clock times are read as China Standard
Time (UTC+8).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ingest.formats.encoding import head_text
from ingest.formats.text_export import (
    CHINA_TIME,
    content_id,
    decoded_lines,
    records,
)
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

PREAMBLE_MARK = "消息记录"
CHAT_MARK = "消息对象:"
SEPARATOR = "================"
HEADER = re.compile(
    r"(?P<date>\d{4}[-/]\d{1,2}[-/]\d{1,2}) +(?:(?P<before>上午|下午|AM|PM) *)?"
    r"(?P<clock>\d{1,2}:\d{2}:\d{2})(?: *(?P<after>AM|PM|上午|下午))? +(?P<sender>\S.*)$"
)
SENDER = re.compile(r"(?P<name>.*?)(?:\((?P<number>\d+)\)|<(?P<email>[^<>]+)>)\s*$")
SYSTEM_SENDER = "10000"  # 系统消息(10000)
PLACEHOLDER = re.compile(r"\[(图片|表情|语音|文件|视频|闪照|语音通话|视频通话|位置|名片)\]")
PLACEHOLDER_NAMES = {
    "图片": "image",
    "闪照": "image",
    "表情": "sticker",
    "语音": "voice message",
    "文件": "file",
    "视频": "video",
    "语音通话": "call",
    "视频通话": "call",
    "位置": "location",
    "名片": "contact card",
}
SYSTEM_LINES = (
    ("撤回了一条消息", "recalled a message"),
    ("加入本群", "joined the group"),
    ("加入了本群", "joined the group"),
    ("退出本群", "left the group"),
    ("移出本群", "removed from the group"),
)
AFTERNOON = {"下午", "PM"}


def looks_like_qq(path: Path) -> bool:
    if path.suffix.lower() != ".txt":
        return False
    head = head_text(path)
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    if first.startswith(PREAMBLE_MARK) and CHAT_MARK in head:
        return True
    match = HEADER.match(first)
    return match is not None and SENDER.match(match.group("sender")) is not None


def read_qq(path: Path) -> Iterator[ParsedRow]:
    preamble: list[str] = []
    chat = path.stem
    seen: Counter = Counter()
    count = 0
    for record in records(path, decoded_lines(path), HEADER, preamble.append):
        if count == 0:
            chat = _chat_of(preamble) or chat
        count += 1
        body, next_chat = _split_off_block(record.body)
        yield ParsedRow.attempt(record.line, _message, record.header, body, chat, seen)
        chat = next_chat or chat
    if count == 0:
        raise ImportFormatError(str(path), 0, "no messages: not a QQ message-manager export")


def _chat_of(lines: list[str]) -> str | None:
    names = [line.strip()[len(CHAT_MARK) :].strip() for line in lines if CHAT_MARK in line]
    return names[-1] if names and names[-1] else None


def _split_off_block(body: tuple[str, ...]) -> tuple[list[str], str | None]:
    """A record's own lines, and the chat a `消息对象:` block after them opens (None)."""
    lines = list(body)
    for n, line in enumerate(lines):
        if line.startswith(SEPARATOR) and any(CHAT_MARK in later for later in lines[n:]):
            own = lines[:n]
            while own and not own[-1].strip():
                own.pop()
            return own, _chat_of(lines[n:])
    return lines, None


def _message(header: re.Match, body: list[str], chat: str, seen: Counter) -> RawMessage:
    at = _time(header)
    sender = SENDER.match(header.group("sender"))
    if sender is None:
        name = author_id = header.group("sender").strip()
    else:
        name = sender.group("name").strip()
        author_id = sender.group("number") or sender.group("email")
        name = name or author_id
    text_lines = "\n".join(body)
    if author_id == SYSTEM_SENDER:
        what = next((w for words, w in SYSTEM_LINES if words in text_lines), "other system line")
        raise NotAMessage(f"{what} (a system line)")
    message_id = content_id(seen, chat, header.group(0), text_lines)
    kept = PLACEHOLDER.sub(" ", text_lines).splitlines()
    text = "\n".join(" ".join(line.split()) for line in kept).strip()
    if not text:
        found = PLACEHOLDER.search(text_lines)
        if found is None:
            raise RowError("a message without text")
        what = PLACEHOLDER_NAMES[found.group(1)]
        raise WithoutText(what, (Activity(MEDIA, at, chat, author_id, name, message_id),))
    return RawMessage(message_id, at, chat, author_id, name, text)


def _time(header: re.Match) -> datetime:
    date = header.group("date").replace("/", "-")
    try:
        moment = datetime.strptime(f"{date} {header.group('clock')}", "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise RowError(f"bad time {header.group(0)[:40]!r}") from None
    half = header.group("before") or header.group("after")
    if half and moment.hour < 12 and half in AFTERNOON:
        moment = moment.replace(hour=moment.hour + 12)
    elif half and moment.hour == 12 and half not in AFTERNOON:
        moment = moment.replace(hour=0)
    return moment.replace(tzinfo=CHINA_TIME).astimezone(UTC)
