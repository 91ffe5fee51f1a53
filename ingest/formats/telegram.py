"""Telegram Desktop export (result.json): one chat, or a whole account's chats.

Text is a string or a list of entities (strings and {"type", "text"} pieces), joined as
shown. Times come from `date_unixtime` (UTC); older exports without it carry the exporting
computer's local time in `date`, read here as UTC. Service messages (joins, pins, ...) are
counted apart. The export does not mark bots: list them in the bots setting or with
`--bot`. Messages are read as a stream for a single-chat export; a whole-account
export is read one chat at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ingest.formats.json_stream import json_items
from ingest.formats.sniff import head_of
from ingest.formats.tabular import parse_timestamp
from ingest.records import (
    Activity,
    ImportFormatError,
    NotAMessage,
    ParsedRow,
    RawMessage,
    RowError,
    time_from_unix,
)


def looks_like_telegram(path: Path) -> bool:
    head = head_of(path)
    single = b'"messages"' in head and b'"type"' in head and b'"name"' in head
    account = b'"chats"' in head and b'"list"' in head
    others = b'"guild"' in head or b'"sender_name"' in head  # Discord's, Messenger's
    return head.lstrip().startswith(b"{") and not others and (single or account)


def read_telegram(path: Path) -> Iterator[ParsedRow]:
    head = head_of(path)
    chats = _account_chats(path) if b'"chats"' in head else [(_chat_name(path), None)]
    count = 0
    for name, messages in chats:
        items = messages if messages is not None else json_items(path, "messages.item")
        for item in items:
            count += 1
            row = ParsedRow.attempt(count, _message, item, name)
            if row.message is not None and isinstance(item, dict) and item.get("reactions"):
                row = replace(row, activity=_reactions(item, row.message))
            yield row
    if count == 0:
        raise ImportFormatError(str(path), 0, "no messages in this export")


def _chat_name(path: Path) -> str:
    name = next(json_items(path, "name"), None)
    if not name:
        raise ImportFormatError(str(path), 0, "no chat name: not a Telegram export")
    return str(name)


def _account_chats(path: Path) -> Iterator[tuple[str, list]]:
    for chat in json_items(path, "chats.list.item"):
        if isinstance(chat, dict):
            yield str(chat.get("name") or chat.get("id")), list(chat.get("messages") or [])


def _message(item, chat: str) -> RawMessage:
    if not isinstance(item, dict):
        raise RowError("a message that is not a JSON object")
    if item.get("type") != "message":
        reason = f"{item.get('action') or item.get('type')} (a service message)"
        raise NotAMessage(reason, _membership(item, chat))
    author_id = item.get("from_id")
    if not author_id:
        raise RowError("no author")
    text = _text(item.get("text"))
    if not text:
        media = item.get("photo") or item.get("file") or item.get("media_type")
        if not media:
            raise RowError("no text")
        kind = "photo" if item.get("photo") else item.get("media_type") or "file"
        text = f"[{kind}]"
    name = str(item.get("from") or author_id)
    reply = item.get("reply_to_message_id")
    return RawMessage(
        external_id=f"{chat}:{item.get('id')}",
        sent_at=_time(item),
        channel=chat,
        author_id=str(author_id),
        author_name=name,
        text=text,
        reply_to=f"{chat}:{reply}" if reply is not None else None,
    )


def _text(value) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        parts = [
            p if isinstance(p, str) else str(p.get("text", ""))
            for p in value
            if isinstance(p, str | dict)
        ]
        return "".join(parts).strip()
    return ""


def _time(item: dict) -> datetime:
    unix = item.get("date_unixtime")
    if unix is not None:
        return time_from_unix(unix, "date_unixtime")
    return parse_timestamp(str(item.get("date") or ""))


JOINS = {"join_group_by_link", "join_group_by_request"}


def _membership(item: dict, chat: str) -> tuple[Activity, ...]:
    """A member who joined by link or request, or removed themselves (left). Invitations and
    removals by others name members without their ids: not kept."""
    actor = item.get("actor_id")
    action = item.get("action")
    if not actor or action not in JOINS | {"remove_members"}:
        return ()
    name = str(item.get("actor") or actor)
    if action == "remove_members" and name not in (item.get("members") or []):
        return ()
    try:
        at = _time(item)
    except RowError:
        return ()
    kind = "join" if action in JOINS else "leave"
    return (Activity(kind, at, chat, str(actor), name),)


def _reactions(item: dict, message: RawMessage) -> tuple[Activity, ...]:
    """The reactions the export names, with who and when ('recent' lists them)."""
    found = []
    for reaction in item.get("reactions") or []:
        for who in (reaction.get("recent") or []) if isinstance(reaction, dict) else []:
            if isinstance(who, dict) and who.get("from_id"):
                try:
                    at = (
                        parse_timestamp(str(who.get("date") or ""))
                        if who.get("date")
                        else message.sent_at
                    )
                except RowError:
                    at = message.sent_at
                name = str(who.get("from") or who["from_id"])
                found.append(
                    Activity(
                        "reaction",
                        at,
                        message.channel,
                        str(who["from_id"]),
                        name,
                        message.external_id,
                    )
                )
    return tuple(found)
