"""Reddit: newline-delimited JSON of submissions and comments (Pushshift-style fields).

A submission is a message with its title and text; a comment answers its parent (the
submission or another comment). The subreddit is the channel. `AutoModerator` is a bot.
Removed or deleted content ("[removed]", "[deleted]") has no text and is counted apart;
a deleted account's message is kept under the placeholder author (ingest.records).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path

from ingest.formats.tabular import text_lines
from ingest.records import (
    EMPTY_FILE,
    ImportFormatError,
    ParsedRow,
    RawMessage,
    RowError,
    placeholder_author,
    time_from_unix,
)

KNOWN_BOTS = frozenset({"AutoModerator"})
GONE = frozenset({"[removed]", "[deleted]"})


SNIFF_BYTES = 100_000


def looks_like_reddit(path: Path) -> bool:
    """A first line that is a JSON object with `subreddit` and `created_utc`; a first line
    too long to read whole (a long post) is judged by its opening keys."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(SNIFF_BYTES)
    except OSError:
        return False
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        whole = first.endswith(b"\n") or len(first) < SNIFF_BYTES
        keys = (b'"subreddit"', b'"created_utc"')
        return not whole and first.lstrip().startswith(b"{") and all(k in first for k in keys)
    return isinstance(record, dict) and "subreddit" in record and "created_utc" in record


def read_reddit(path: Path) -> Iterator[ParsedRow]:
    empty = True
    for number, line in enumerate(text_lines(path), start=1):
        if not line.strip():
            continue
        empty = False
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ImportFormatError(str(path), number, f"invalid JSON: {error.msg}") from None
        yield ParsedRow.attempt(number, _message, record)
    if empty:
        raise ImportFormatError(str(path), 0, EMPTY_FILE)


def _message(record) -> RawMessage:
    if not isinstance(record, dict):
        raise RowError("a line that is not a JSON object")
    is_comment = "body" in record
    kind = "t1" if is_comment else "t3"
    if not record.get("id"):
        raise RowError("no id")
    author = str(record.get("author") or "")  # gone: kept under the placeholder, see records
    text = _content(record, is_comment)
    sent_at = time_from_unix(record.get("created_utc"), "created_utc")
    parent = record.get("parent_id") if is_comment else None
    message = RawMessage(
        external_id=f"{kind}_{record['id']}",
        sent_at=sent_at,
        channel=str(record.get("subreddit") or "reddit"),
        author_id=author,
        author_name=author,
        text=text,
        reply_to=str(parent) if parent else None,
        is_bot=author in KNOWN_BOTS,
    )
    return placeholder_author(message)


def _content(record: dict, is_comment: bool) -> str:
    if is_comment:
        body = html.unescape(str(record.get("body") or "")).strip()
        if body in GONE or not body:
            raise RowError("removed or empty comment")
        return body
    title = html.unescape(str(record.get("title") or "")).strip()
    selftext = html.unescape(str(record.get("selftext") or "")).strip()
    if selftext in GONE:
        selftext = ""
    text = f"{title}\n\n{selftext}".strip() if selftext else title
    if not text:
        raise RowError("no title or text")
    return text
