"""WeChat group exports made by WeChatMsg (留痕): its v1 CSV, its v2 CSV and its TXT.

Written from the exporter's own code (LC044/WeChatMsg, app/util/exporter/):

* **v1 CSV** (`{name}_utf8.csv`, UTF-8 with a byte-order mark): the columns of WeChat's
  own message table, `localId, TalkerId, Type, SubType, IsSender, CreateTime, Status,
  StrContent, StrTime, Remark, NickName, Sender`. `CreateTime` is Unix seconds; in a
  group `Sender` is the real sender's wxid and `Remark`/`NickName` their names.
* **v2 CSV** (`{name}.csv`): `消息ID, 类型, 发送人, 时间, 内容, 备注, 昵称, 更多信息`, the type
  by name (文本, 图片, 系统消息 ...), the sender by display name, the time as a clock time.
* **TXT** (`{name}.txt`): for each message a line `YYYY-MM-DD HH:MM:SS sender`, its text
  on the lines after, and a blank line; a system line is `YYYY-MM-DD HH:MM:SS text` alone.

Type 1 (文本) is text. Images, voice, video, stickers, calls, files and links are posts
without text: kept as member activity (the member was active), never as messages. System
lines (type 10000 and 10002) are events: joins (…加入了群聊), leaves, removals, recalls
(…撤回了一条消息), renames, nudges. The group is named by the file (WeChatMsg names its
files after the chat). Clock times are read as China Standard Time (UTC+8).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ingest.formats.encoding import head_text
from ingest.formats.tabular import MAX_LINE_BYTES, text_lines
from ingest.formats.text_export import china_time, content_id, decoded_lines, records
from ingest.records import (
    MEDIA,
    Activity,
    ImportFormatError,
    NotAMessage,
    ParsedRow,
    RawMessage,
    RowError,
    WithoutText,
    time_from_unix,
)

V1_COLUMNS = (
    "localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
    "StrContent", "StrTime", "Remark", "NickName", "Sender",
)  # fmt: skip
V2_COLUMNS = ("消息ID", "类型", "发送人", "时间", "内容", "备注", "昵称", "更多信息")
TEXT_TYPE = 1
SYSTEM_TYPES = {10000, 10002}
QUOTE = (49, 57)  # a reply quoting another message: its text is not in the v1 CSV
WITHOUT_TEXT_TYPES = {  # WeChat's message types with no text of their own
    3: "image",
    34: "voice message",
    42: "contact card",
    43: "video",
    47: "sticker",
    48: "location",
    49: "link or file",
    50: "call",
    62: "video",
}
V2_TEXT = {"文本", "文字", "引用消息"}
V2_SYSTEM = {"系统消息", "撤回消息", "拍一拍"}
V2_WITHOUT_TEXT = {
    "图片": "image",
    "语音": "voice message",
    "视频": "video",
    "表情包": "sticker",
    "动画表情": "sticker",
    "文件": "file",
    "链接": "link",
    "位置": "location",
    "名片": "contact card",
    "音视频通话": "call",
    "语音通话": "call",
}
TXT_PLACEHOLDERS = {  # what the TXT export writes for a post without text
    "[图片]": "image",
    "[语音]": "voice message",
    "[视频]": "video",
    "[表情包]": "sticker",
    "[文件]": "file",
    "[音乐分享]": "music",
}
TXT_HEADER = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (\S.*)$")
TXT_QUOTE = "引用:"  # the line after a reply's text naming what it quotes
CLOCK = ("%Y-%m-%d %H:%M:%S",)
SYSTEM_LINES = (  # (words in the line, what it is), first match wins
    ("撤回了一条消息", "recalled a message"),
    ("加入了群聊", "joined the group"),
    ("加入群聊", "joined the group"),
    ("移出了群聊", "removed from the group"),
    ("移出群聊", "removed from the group"),
    ("退出了群聊", "left the group"),
    ("修改群名为", "renamed the group"),
    ("拍了拍", "a nudge (拍一拍)"),
)


def _first_line(path: Path) -> str:
    return head_text(path).split("\n", 1)[0].strip()


def looks_like_wechat_csv(path: Path) -> bool:
    header = _first_line(path).split(",")
    return header[:3] == list(V1_COLUMNS[:3]) or header[:3] == list(V2_COLUMNS[:3])


def looks_like_wechat_txt(path: Path) -> bool:
    """A .txt whose first line is a WeChatMsg record header (QQ's starts with a preamble)."""
    return path.suffix.lower() == ".txt" and TXT_HEADER.match(_first_line(path)) is not None


def chat_name(path: Path) -> str:
    """The group, from the file's name: WeChatMsg names its files after the chat."""
    return re.sub(r"_utf8$", "", path.stem) or path.stem


def read_wechat_csv(path: Path) -> Iterator[ParsedRow]:
    csv.field_size_limit(MAX_LINE_BYTES)
    reader = csv.reader(text_lines(path))
    try:
        header = next(reader)
    except csv.Error as error:
        raise ImportFormatError(str(path), 1, f"not readable as CSV: {error}") from None
    version_1 = header[:3] == list(V1_COLUMNS[:3])
    expected = V1_COLUMNS if version_1 else V2_COLUMNS
    missing = [column for column in expected[:-1] if column not in header]
    if missing:
        raise ImportFormatError(str(path), 1, f"a WeChatMsg CSV without {', '.join(missing)}")
    position = {column: header.index(column) for column in expected if column in header}
    chat = chat_name(path)
    make = _v1_row if version_1 else _v2_row
    seen: Counter = Counter()
    count = 0
    numbered = _numbered(reader, path)
    ahead = next(numbered, None)
    while ahead is not None:
        (line, values), ahead = ahead, next(numbered, None)
        if len(values) < len(position):
            short = f"{len(values)} of {len(header)} columns"
            if ahead is None:
                raise ImportFormatError(str(path), line, f"the file ends mid-row ({short}): cut?")
            yield ParsedRow(line, None, f"a row with {short}")
            continue
        fields = {column: values[index] for column, index in position.items()}
        count += 1
        yield ParsedRow.attempt(line, make, fields, chat, seen)
    if count == 0:
        raise ImportFormatError(str(path), 0, "no messages in this export")


def _numbered(reader, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(the line a row starts on, its values) of each row after the header."""
    line = 2
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFormatError(str(path), reader.line_num, f"bad CSV: {error}") from None
        if values:
            yield line, values
        line = reader.line_num + 1


def _v1_row(fields: dict, chat: str, seen: Counter) -> RawMessage:
    kind = int(fields["Type"] or 0)
    sub_kind = int(fields["SubType"] or 0)
    at = time_from_unix(fields["CreateTime"], "CreateTime")
    text = fields["StrContent"].strip()
    if kind in SYSTEM_TYPES:
        raise NotAMessage(_system_line(text))
    author_id = fields["Sender"].strip()
    if not author_id:
        raise RowError("no sender")
    name = fields["Remark"].strip() or fields["NickName"].strip() or author_id
    message_id = f"{chat}:{fields['localId']}"
    if kind == TEXT_TYPE or ((kind, sub_kind) == QUOTE and text and not text.startswith("<")):
        if not text:
            raise RowError("a text message without text")
        return RawMessage(message_id, at, chat, author_id, name, text)
    if (kind, sub_kind) == QUOTE:
        what = "quoted reply (its text is not in a v1 CSV)"
    else:
        what = WITHOUT_TEXT_TYPES.get(kind, f"other post (type {kind})")
    raise _without_text(what, Activity(MEDIA, at, chat, author_id, name, message_id))


def _v2_row(fields: dict, chat: str, seen: Counter) -> RawMessage:
    kind = fields["类型"].strip()
    at = china_time(fields["时间"].strip(), CLOCK)
    text = fields["内容"].strip()
    if kind in V2_SYSTEM:
        raise NotAMessage(_system_line(text))
    name = fields["发送人"].strip()
    if not name:
        raise RowError("no sender")
    message_id = f"{chat}:{fields['消息ID'].strip()}" if fields["消息ID"].strip() else ""
    message_id = message_id or content_id(seen, chat, fields["时间"], name, text)
    if kind in V2_TEXT:
        if not text:
            raise RowError("a text message without text")
        return RawMessage(message_id, at, chat, name, name, text)
    what = V2_WITHOUT_TEXT.get(kind, f"other post ({kind or 'no type'})")
    raise _without_text(what, Activity(MEDIA, at, chat, name, name, message_id))


def read_wechat_txt(path: Path) -> Iterator[ParsedRow]:
    chat = chat_name(path)
    preamble: list[str] = []
    seen: Counter = Counter()
    count = 0
    for record in records(path, decoded_lines(path), TXT_HEADER, preamble.append):
        count += 1
        yield ParsedRow.attempt(record.line, _txt_row, record, chat, seen)
    if count == 0 or any(line.strip() for line in preamble):
        raise ImportFormatError(str(path), 1, "not a WeChatMsg TXT export (no record header)")


def _txt_row(record, chat: str, seen: Counter) -> RawMessage:
    stamp, rest = record.header.group(1), record.header.group(2).strip()
    at = china_time(stamp, CLOCK)
    if not record.body:
        raise NotAMessage(_system_line(rest))
    body = list(record.body)
    message_id = content_id(seen, chat, stamp, rest, "\n".join(body))
    first = body[0].strip()
    placeholder = TXT_PLACEHOLDERS.get(first) if len(body) == 1 else None
    if placeholder or first.startswith("[链接]"):
        activity = Activity(MEDIA, at, chat, rest, rest, message_id)
        raise _without_text(placeholder or "link", activity)
    quoted = next((n for n, line in enumerate(body) if line.startswith(TXT_QUOTE)), None)
    text = "\n".join(body[:quoted]).strip()
    if not text:
        raise RowError("a message without text")
    return RawMessage(message_id, at, chat, rest, rest, text)


def _without_text(what: str, activity: Activity) -> WithoutText:
    return WithoutText(what, (activity,))


def _system_line(text: str) -> str:
    what = next((name for words, name in SYSTEM_LINES if words in text), "other system line")
    return f"{what} (a system line)"


def looks_like_wechat(path: Path) -> bool:
    return looks_like_wechat_csv(path) or looks_like_wechat_txt(path)


def read_wechat(path: Path) -> Iterator[ParsedRow]:
    return read_wechat_txt(path) if looks_like_wechat_txt(path) else read_wechat_csv(path)
