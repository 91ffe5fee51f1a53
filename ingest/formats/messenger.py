"""Facebook Messenger's `message_*.json`, from Facebook's "Download your information"
(JSON format): `participants`, then `messages` (newest first), each with `sender_name`,
`timestamp_ms`, and `content`, media (`photos`, `videos`, `audio_files`, `files`, `gifs`,
`sticker`), `reactions` ({`reaction`, `actor`}), `is_unsent`, or a `type` (`Subscribe`
with the `users` who joined, `Unsubscribe`, `Call`, `Share`); and the chat's `title`.

Facebook writes every string's UTF-8 bytes as if each were a Latin-1 character
("Ã³" for "ó"): each is turned back (`s.encode("latin-1").decode("utf-8")`), and left as
it is when it was not so written. Media without text are posts without text (member
activity); reactions are member activity on their message; joins and leaves are events
and member activity; unsent messages are events. The export gives no message ids: a
message is known by its sender, time and content. Read as a stream.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ingest.formats.json_stream import json_items
from ingest.formats.sniff import head_of
from ingest.formats.text_export import content_id
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

MEDIA_KEYS = {
    "photos": "photo",
    "videos": "video",
    "audio_files": "voice message",
    "files": "file",
    "gifs": "GIF",
    "sticker": "sticker",
}
MEDIA_NOTICES = ("sent a photo.", "sent an attachment.", "sent a sticker.", "sent a GIF.")


def looks_like_messenger(path: Path) -> bool:
    head = head_of(path)
    return head.lstrip().startswith(b"{") and all(
        key in head for key in (b'"participants"', b'"messages"', b'"sender_name"')
    )


def fixed(text) -> str:
    """A string Facebook wrote as Latin-1 characters of UTF-8 bytes, turned back."""
    if not isinstance(text, str):
        return ""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def read_messenger(path: Path) -> Iterator[ParsedRow]:
    chat = fixed(next(json_items(path, "title"), "")) or path.parent.name or path.stem
    seen: Counter = Counter()
    count = 0
    for item in json_items(path, "messages.item"):
        count += 1
        row = ParsedRow.attempt(count, _message, item, chat, seen)
        if row.message is not None and isinstance(item, dict) and item.get("reactions"):
            row = ParsedRow(row.line, row.message, activity=_reactions(item, row.message))
        yield row
    if count == 0:
        raise ImportFormatError(str(path), 0, "no messages in this export")


def _message(item, chat: str, seen: Counter) -> RawMessage:
    if not isinstance(item, dict):
        raise RowError("a message that is not a JSON object")
    name = fixed(item.get("sender_name")).strip()
    if not name:
        raise RowError("no sender")
    at = time_from_unix(int(item["timestamp_ms"]) / 1000, "timestamp_ms")
    text = fixed(item.get("content")).strip()
    message_id = content_id(seen, chat, name, str(item["timestamp_ms"]), text)
    kind = item.get("type")
    if kind == "Subscribe":
        joined = [fixed(user.get("name")) for user in item.get("users") or []]
        activity = tuple(Activity("join", at, chat, who, who) for who in joined if who)
        raise NotAMessage("joined the group (a system line)", activity)
    if kind == "Unsubscribe":
        raise NotAMessage(
            "left the group (a system line)", (Activity("leave", at, chat, name, name),)
        )
    if item.get("is_unsent"):
        raise NotAMessage("unsent a message (a system line)")
    if kind == "Call":
        raise WithoutText("call", (Activity(MEDIA, at, chat, name, name, message_id),))
    media = next((label for key, label in MEDIA_KEYS.items() if item.get(key)), None)
    if media and (not text or text.endswith(MEDIA_NOTICES)):
        raise WithoutText(media, (Activity(MEDIA, at, chat, name, name, message_id),))
    if not text:
        raise RowError("no text")
    return RawMessage(message_id, at, chat, name, name, text)


def _reactions(item: dict, message: RawMessage) -> tuple[Activity, ...]:
    """Each reaction's actor, at the message's time (the export keeps no reaction time)."""
    found = []
    for reaction in item.get("reactions") or []:
        actor = fixed(reaction.get("actor")) if isinstance(reaction, dict) else ""
        if actor:
            found.append(
                Activity(
                    "reaction", message.sent_at, message.channel, actor, actor, message.external_id
                )
            )
    return tuple(found)
