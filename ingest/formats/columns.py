"""Which column of a CSV or JSONL file holds each message field, read from its header
when the user names none (or only some): the names that chat, forum and issue-tracker
exports give their columns. A field the user maps keeps the user's column; a column
serves one field."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from itertools import islice
from pathlib import Path

from ingest.formats.encoding import encoding_of

# field -> the column names that hold it, most telling first (compared lower-case, with
# spaces and hyphens read as underscores). An author is best known by a stable id: an
# id column is the author and a name column beside it the display name.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "timestamp": (
        "timestamp", "timestamp_utc", "sent_at", "created_at", "created_utc", "created",
        "creation_date", "posted_at", "date_time", "datetime", "time", "date", "ts",
    ),
    "author": (
        "author_id", "user_id", "sender_id", "from_id", "owner_user_id", "member_id",
        "author", "user", "username", "user_name", "sender", "from", "nick", "nickname",
        "author_name", "display_name", "name",
    ),
    "text": ("text", "message", "content", "body", "msg", "comment", "message_text"),
    "author_name": (
        "author_name", "display_name", "user_name", "username", "sender_name", "from_name",
        "nickname", "nick", "name",
    ),
    "channel": ("channel", "channel_name", "room", "chat", "subreddit", "group", "forum"),
    "id": ("id", "message_id", "msg_id", "post_id", "comment_id", "uuid"),
    "reply_to": ("reply_to", "reply_to_id", "reply_to_message_id", "in_reply_to", "parent_id"),
    "title": ("title", "subject"),
    "is_bot": ("is_bot", "bot"),
    "author_email": ("author_email", "email"),
}  # fmt: skip
# the order fields choose their columns in: the required ones, then the author's name
# (after the author, so that "author_id, author_name" gives both), then the rest
CHOOSING_ORDER = ("timestamp", "text", "author", "author_name", "channel", "id", "reply_to",
                  "title", "is_bot", "author_email")  # fmt: skip
_TIME_PREFIX = re.compile(r"^(timestamp|created|sent|posted)")  # "timestamp_inferred"


def normalised(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def guessed_columns(header: Sequence[str], given: Mapping[str, str]) -> dict[str, str]:
    """The fields of `given` (field -> column, as the user mapped them) and, for each
    field not given, the header's column that holds it, if one is named so. A column is
    never used for two fields."""
    chosen = dict(given)
    taken = set(given.values())
    by_name = {}
    for column in header:
        by_name.setdefault(normalised(column), column)
    for field in CHOOSING_ORDER:
        if field in chosen:
            continue
        names = [n for n in FIELD_COLUMNS[field] if n in by_name and by_name[n] not in taken]
        if not names and field == "timestamp":
            names = [n for n in by_name if _TIME_PREFIX.match(n) and by_name[n] not in taken]
        if names:
            chosen[field] = by_name[names[0]]
            taken.add(chosen[field])
    return chosen


DELIMITERS = (",", ";", "\t", "|")  # a comma unless the header says otherwise


def delimiter_of(header_line: str) -> str:
    """The field separator of a CSV, from its header line: a comma, unless another of
    DELIMITERS splits the header into more fields (spreadsheets in many European
    languages save with ';', a table copied out of a database with tabs)."""
    fields = {d: len(next(csv.reader([header_line], delimiter=d), [])) for d in DELIMITERS}
    widest = max(DELIMITERS, key=fields.__getitem__)  # the first of equals: the comma
    return widest if fields[widest] > fields[","] else ","


def header_of(path: Path, fmt: str) -> list[str]:
    """The column names of a CSV file's first line, or the keys of a JSONL file's first
    object ([] when there is none to read: the reader then says what is wrong)."""
    try:
        encoding = encoding_of(path)
        if encoding == "utf-8":
            encoding = "utf-8-sig"
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            if fmt == "jsonl":
                for line in islice(handle, 100):
                    if line.strip():
                        record = json.loads(line)
                        return list(record) if isinstance(record, dict) else []
                return []
            first = handle.readline()
            return next(csv.reader([first], delimiter=delimiter_of(first)), [])
    except (OSError, ValueError, csv.Error):
        return []
