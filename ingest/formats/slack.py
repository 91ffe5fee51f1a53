"""Slack workspace export: a zip of users.json, channels.json and, for each channel, a
folder with one JSON file per day.

Read straight from the zip (nothing is extracted to disk), one day file at a time. A
message is identified by its channel and `ts`; a thread reply (`thread_ts` other than its
own `ts`) answers the thread's first message. Display names come from users.json;
`bot_message` posts and users marked `is_bot` are bots. Message text is unescaped (Slack
writes &amp;, &lt;, &gt;). Joins, leaves and other system subtypes are not messages: they
are counted apart.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ingest.records import (
    Activity,
    ImportFormatError,
    NotAMessage,
    ParsedRow,
    RawMessage,
    RowError,
    activity_of,
    time_from_unix,
)

MESSAGE_SUBTYPES = frozenset({None, "bot_message", "thread_broadcast", "file_share", "me_message"})
MAX_DAY_FILE_BYTES = 32_000_000  # one channel's day; a busy one is a few MB
MAX_TOTAL_BYTES = 20_000_000_000  # the whole export, uncompressed, as its headers say
MAX_ENTRIES = 500_000  # files in the zip: a channel a day for decades


def looks_like_slack(path: Path) -> bool:
    """A zip with channels.json at its root (without users.json too: the import then
    names what is missing, instead of taking the zip for a CSV)."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as archive:
            return "channels.json" in set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def read_slack(path: Path) -> Iterator[ParsedRow]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFormatError(str(path), 0, f"not a readable zip: {error}") from None
    with archive:
        _check_entries(path, archive)
        users = _users(path, archive)
        channels = [c for c in _json(path, archive, "channels.json") if isinstance(c, dict)]
        days_of = _days_by_channel(archive.namelist())
        days = sorted(
            (PurePosixPath(day).stem, str(name), day)
            for name in {str(c.get("name") or c.get("id")) for c in channels}
            for day in days_of.get(name, ())
        )
        for _, name, day in days:  # day by day across channels: time order, as members appear
            for number, item in enumerate(_json(path, archive, day), start=1):
                row = ParsedRow.attempt(
                    number, _message, item, name, users, where=f"{day}#{number}"
                )
                if row.message is not None and item.get("reactions"):
                    row = replace(row, activity=activity_of(_reactions, item, row.message, users))
                yield row


def _users(path: Path, archive: zipfile.ZipFile) -> dict[str, dict]:
    """users.json by id (an entry without an id is passed over: its messages show ids)."""
    entries = _json(path, archive, "users.json")
    return {str(u["id"]): u for u in entries if isinstance(u, dict) and u.get("id")}


def _days_by_channel(names: list[str]) -> dict[str, list[str]]:
    """Each channel folder's day files, from one pass over the entries."""
    days: dict[str, list[str]] = defaultdict(list)
    for name in names:
        parts = PurePosixPath(name).parts
        if len(parts) == 2 and parts[1].endswith(".json"):
            days[parts[0]].append(name)
    return days


def _check_entries(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse entries that climb out of the archive or are absolute (nothing is written to
    disk, but a name like that is a sign of a crafted file), and archives whose entries
    are too many or, as their headers say, too large in all."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ImportFormatError(str(path), 0, f"more than {MAX_ENTRIES:,} files in the zip")
    if sum(entry.file_size for entry in entries) > MAX_TOTAL_BYTES:
        raise ImportFormatError(
            str(path), 0, f"more than {MAX_TOTAL_BYTES:,} bytes once uncompressed"
        )
    for name in archive.namelist():
        parts = PurePosixPath(name).parts
        if name.startswith(("/", "\\")) or ".." in parts or ":" in (parts[0] if parts else ""):
            raise ImportFormatError(str(path), 0, f"unsafe entry name in the zip: {name!r}")


def _json(path: Path, archive: zipfile.ZipFile, name: str) -> list:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ImportFormatError(str(path), 0, f"{name} is missing from the export") from None
    too_large = f"{name} is larger than {MAX_DAY_FILE_BYTES:,} bytes"
    if info.file_size > MAX_DAY_FILE_BYTES:
        raise ImportFormatError(str(path), 0, too_large)
    try:  # read at most the limit, whatever the header said: a lying header is no bomb
        with archive.open(info) as entry:
            raw = entry.read(MAX_DAY_FILE_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise ImportFormatError(f"{path}:{name}", 0, f"a damaged zip entry: {error}") from None
    if len(raw) > MAX_DAY_FILE_BYTES:
        raise ImportFormatError(str(path), 0, too_large)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ImportFormatError(f"{path}:{name}", 0, f"broken JSON: {error}") from None
    if not isinstance(data, list):
        raise ImportFormatError(f"{path}:{name}", 0, "expected a JSON list")
    return data


def _message(item, channel: str, users: dict) -> RawMessage:
    if not isinstance(item, dict):
        raise RowError("a message that is not a JSON object")
    subtype = item.get("subtype")
    if subtype not in MESSAGE_SUBTYPES:
        raise NotAMessage(f"{subtype} (a system event)", _membership(item, subtype, channel, users))
    ts = str(item.get("ts") or "")
    sent_at = time_from_unix(ts, "ts")
    author_id, name, is_bot = _author(item, users)
    email = ((users.get(author_id) or {}).get("profile") or {}).get("email")
    text = _unescape(str(item.get("text") or "")).strip()
    if not text:
        raise RowError("no text")
    thread = item.get("thread_ts")
    reply_to = f"{channel}:{thread}" if thread and thread != ts else None
    return RawMessage(
        f"{channel}:{ts}",
        sent_at,
        channel,
        author_id,
        name,
        text,
        reply_to,
        is_bot,
        str(email).lower() if email else None,
    )


def _unescape(text: str) -> str:
    """Slack escapes exactly three characters in message text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _author(item: dict, users: dict) -> tuple[str, str, bool]:
    if item.get("subtype") == "bot_message" or (item.get("bot_id") and not item.get("user")):
        bot = str(item.get("bot_id") or item.get("username") or "bot")
        return bot, str(item.get("username") or bot), True
    user_id = item.get("user")
    if not user_id:
        raise RowError("no author")
    if not isinstance(user_id, str):
        raise RowError(f"an author that is not a user id: {str(user_id)[:30]}")
    user = users.get(user_id, {})
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("name") or user_id
    return str(user_id), str(name), bool(user.get("is_bot"))


MEMBERSHIP = {"channel_join": "join", "channel_leave": "leave"}


def _person(user_id: str, users: dict) -> tuple[str, bool, str | None]:
    user = users.get(user_id, {})
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("name") or user_id
    email = profile.get("email")
    return str(name), bool(user.get("is_bot")), str(email).lower() if email else None


def _membership(item, subtype, channel: str, users: dict) -> tuple[Activity, ...]:
    if subtype not in MEMBERSHIP or not item.get("user"):
        return ()
    try:
        at = time_from_unix(item.get("ts"), "ts")
    except RowError:
        return ()
    name, is_bot, email = _person(str(item["user"]), users)
    return (Activity(MEMBERSHIP[subtype], at, channel, str(item["user"]), name, "", is_bot, email),)


def _reactions(item: dict, message: RawMessage, users: dict) -> tuple[Activity, ...]:
    """Each user of each reaction, at the message's time (Slack keeps no reaction time)."""
    found = []
    for reaction in item.get("reactions") or []:
        for user_id in (reaction.get("users") or []) if isinstance(reaction, dict) else []:
            name, is_bot, email = _person(str(user_id), users)
            found.append(
                Activity(
                    "reaction",
                    message.sent_at,
                    message.channel,
                    str(user_id),
                    name,
                    message.external_id,
                    is_bot,
                    email,
                )
            )
    return tuple(found)
