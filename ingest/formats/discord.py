"""DiscordChatExporter JSON: one file per channel, read as a stream.

The file holds `guild`, `channel` and then the `messages` array; messages are read one by
one with ijson, so a large export never sits in memory. Each message keeps its id, author
(with the platform's bot flag; the server nickname as display name), time (converted to
UTC), text, and the message it replies to. A message with only attachments keeps their
file names as its text. Joins and other system events are not messages: they are counted
apart with their type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import ijson

from ingest.formats.sniff import head_of
from ingest.formats.tabular import parse_timestamp
from ingest.records import (
    Activity,
    ImportFormatError,
    NotAMessage,
    ParsedRow,
    RawMessage,
    RowError,
    activity_of,
)

MESSAGE_TYPES = frozenset({"Default", "Reply", "ThreadStarterMessage"})
MEMBERSHIP = {"GuildMemberJoin": "join", "RecipientAdd": "join", "RecipientRemove": "leave"}
_SIGNATURE = (b'"guild"', b'"channel"', b'"messages"')


def looks_like_discord(path: Path) -> bool:
    """True for a DiscordChatExporter JSON file (from its first few kilobytes)."""
    head = head_of(path)
    return head.lstrip().startswith(b"{") and all(key in head for key in _SIGNATURE)


def read_discord(path: Path) -> Iterator[ParsedRow]:
    channel = _channel_name(path)
    with open(path, "rb") as handle:
        number = 0
        try:
            for number, item in enumerate(ijson.items(handle, "messages.item"), start=1):
                row = ParsedRow.attempt(number, _message, item, channel)
                if row.message is not None and item.get("reactions"):
                    row = replace(row, activity=activity_of(_reactions, item, row.message))
                yield row
        except ijson.JSONError as error:
            where = f"after message {number}, near byte {handle.tell():,}"
            raise ImportFormatError(str(path), 0, f"broken JSON {where}: {error}") from None
    if number == 0:
        raise ImportFormatError(str(path), 0, "no messages in this export")


def _channel_name(path: Path) -> str:
    with open(path, "rb") as handle:
        try:
            channel = next(ijson.items(handle, "channel"), None)
        except ijson.JSONError as error:
            raise ImportFormatError(str(path), 0, f"broken JSON: {error}") from None
    if not isinstance(channel, dict) or not channel.get("name"):
        raise ImportFormatError(str(path), 0, "no channel name: not a DiscordChatExporter file")
    return str(channel["name"])


def _message(item, channel: str) -> RawMessage:
    if not isinstance(item, dict):
        raise RowError("a message that is not a JSON object")
    kind = item.get("type", "Default")
    if kind not in MESSAGE_TYPES:
        raise NotAMessage(f"{kind} (a system event)", _membership(item, kind, channel))
    author = item.get("author")
    if not isinstance(author, dict) or not author.get("id"):
        raise RowError("no author")
    text = str(item.get("content") or "").strip()
    if not text:
        files = [
            a.get("fileName", "file") for a in item.get("attachments") or [] if isinstance(a, dict)
        ]
        if not files:
            raise RowError("no text")
        text = "[attachment: " + ", ".join(files) + "]"
    reference = item.get("reference") if isinstance(item.get("reference"), dict) else {}
    return RawMessage(
        external_id=str(item.get("id") or ""),
        sent_at=parse_timestamp(str(item.get("timestamp") or "")),
        channel=channel,
        author_id=str(author["id"]),
        author_name=str(author.get("nickname") or author.get("name") or author["id"]),
        text=text,
        reply_to=str(reference["messageId"]) if reference.get("messageId") else None,
        is_bot=bool(author.get("isBot")),
    )


def _membership(item: dict, kind: str, channel: str) -> tuple[Activity, ...]:
    """A join or leave, by the event's author (the member who joined or left)."""
    author = item.get("author")
    if kind not in MEMBERSHIP or not isinstance(author, dict) or not author.get("id"):
        return ()
    try:
        at = parse_timestamp(str(item.get("timestamp") or ""))
    except RowError:
        return ()
    name = str(author.get("nickname") or author.get("name") or author["id"])
    return (
        Activity(
            MEMBERSHIP[kind], at, channel, str(author["id"]), name, "", bool(author.get("isBot"))
        ),
    )


def _reactions(item: dict, message: RawMessage) -> tuple[Activity, ...]:
    """One reaction per user the export names (older exports give only counts: none)."""
    found = []
    for reaction in item.get("reactions") or []:
        for user in (reaction.get("users") or []) if isinstance(reaction, dict) else []:
            if isinstance(user, dict) and user.get("id"):
                name = str(user.get("nickname") or user.get("name") or user["id"])
                found.append(
                    Activity(
                        "reaction",
                        message.sent_at,
                        message.channel,
                        str(user["id"]),
                        name,
                        message.external_id,
                        bool(user.get("isBot")),
                    )
                )
    return tuple(found)
