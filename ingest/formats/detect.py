"""Which format a file is in, and its reader: one place for the CLI and the upload page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, tzinfo
from pathlib import Path

from ingest.formats.clock_zone import CLOCK_TIME_FORMATS, read_in_zone, writes_clock_times
from ingest.formats.discord import looks_like_discord, read_discord
from ingest.formats.discourse import looks_like_discourse, read_discourse
from ingest.formats.encoding import head_text
from ingest.formats.messenger import looks_like_messenger, read_messenger
from ingest.formats.qq import looks_like_qq, read_qq
from ingest.formats.reddit import looks_like_reddit, read_reddit
from ingest.formats.slack import looks_like_slack, read_slack
from ingest.formats.tabular import ColumnMapping, read_csv, read_jsonl
from ingest.formats.telegram import looks_like_telegram, read_telegram
from ingest.formats.wechat import looks_like_wechat, read_wechat
from ingest.formats.whatsapp import looks_like_whatsapp, read_whatsapp
from ingest.records import EMPTY_FILE, ImportFormatError, ParsedRow

BLANK_CHECK_BYTES = 4096  # a larger file is not blank enough to matter; its reader says
PLATFORM_FORMATS = {  # format -> (recogniser, reader, why)
    "discord": (
        looks_like_discord,
        read_discord,
        "a DiscordChatExporter JSON export, recognised from its content",
    ),
    "slack": (
        looks_like_slack,
        read_slack,
        "a Slack workspace export, recognised from its content",
    ),
    "telegram": (
        looks_like_telegram,
        read_telegram,
        "a Telegram Desktop export, recognised from its content",
    ),
    "discourse": (
        looks_like_discourse,
        read_discourse,
        "Discourse topics as its API returns them, recognised from their content",
    ),
    "reddit": (
        looks_like_reddit,
        read_reddit,
        "Reddit submissions and comments, recognised from their fields",
    ),
    "wechat": (
        looks_like_wechat,
        read_wechat,
        "a WeChat group export of WeChatMsg (留痕), CSV or TXT, recognised from its content",
    ),
    "qq": (
        looks_like_qq,
        read_qq,
        "a QQ message-manager TXT export, recognised from its content",
    ),
    "messenger": (
        looks_like_messenger,
        read_messenger,
        "a Facebook Messenger message_*.json, recognised from its content",
    ),
    "whatsapp": (
        looks_like_whatsapp,
        read_whatsapp,
        "a WhatsApp chat export (.txt), recognised from its content",
    ),
}
FORMATS = ("csv", "jsonl", *PLATFORM_FORMATS)
NO_TABLE = {".json": "JSON", ".zip": "zip"}  # extensions a CSV never has
UNRECOGNISED = (
    "a {kind} file that is none of the exports Community ECG reads (Discord, Slack, "
    "Telegram, Discourse, Reddit, Messenger; docs/import.md): convert it to CSV or JSON "
    "Lines and map its columns, or name its format with --format"
)


def choose_format(path: Path, asked: str | None = None) -> tuple[str, str]:
    """The input format and why it was chosen: asked for, recognised, or by extension;
    ImportFormatError for a JSON or zip file no reader recognises (read as CSV, its first
    line was offered as column names), and for a file with nothing in it but blanks."""
    if _is_blank(path):
        raise ImportFormatError(str(path), 0, EMPTY_FILE)
    if asked:
        return asked, "as asked with --format"
    for fmt, (recognises, _, why) in PLATFORM_FORMATS.items():
        if recognises(path):
            return fmt, why
    kind = NO_TABLE.get(path.suffix.lower())
    if kind:
        raise ImportFormatError(str(path), 0, UNRECOGNISED.format(kind=kind))
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return "jsonl", "from the file extension"
    return "csv", "from the file extension"


def _is_blank(path: Path) -> bool:
    """A file (not a folder) holding only blanks, or nothing: no format can be told."""
    if not path.is_file() or path.stat().st_size > BLANK_CHECK_BYTES:
        return False
    return not head_text(path, BLANK_CHECK_BYTES).strip()


def needs_mapping(fmt: str) -> bool:
    return fmt not in PLATFORM_FORMATS


def read_rows(
    fmt: str, path: Path, mapping: ColumnMapping | None = None, zone: tzinfo | None = None
) -> Iterator[ParsedRow]:
    """The rows of the export at `path`; clock times written without a zone read in
    `zone` (None: the format's own default, see ingest.formats.clock_zone)."""
    if fmt in PLATFORM_FORMATS:
        rows = PLATFORM_FORMATS[fmt][1](path)
        if zone is None or not writes_clock_times(fmt):
            return rows
        return read_in_zone(rows, CLOCK_TIME_FORMATS[fmt], zone)
    if mapping is None:
        raise ValueError("CSV and JSONL need a column mapping (--map FIELD=COLUMN)")
    return (read_jsonl if fmt == "jsonl" else read_csv)(path, mapping, zone or UTC)


def platform_of(fmt: str) -> str:
    return fmt if fmt in PLATFORM_FORMATS else "chat"
